using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Export;

/// <summary>
/// The online encoder of a checkpoint, rebuilt on the CPU in eval mode: what a run had learnt at that step, for
/// export or evaluation while (or after) training goes on. Only the encoder's weights and BatchNorm statistics are
/// read; the target network, the heads and the optimizer state are left in the file.
/// </summary>
internal static class CheckpointEncoder
{
    private const string OnlineEncoderPrefix = "network.online_encoder.";

    /// <summary>
    /// Loads the online encoder of <paramref name="path"/>, built from the checkpoint's own run configuration, which
    /// must agree with <paramref name="options"/>' network (with an initial encoder, only the options that were set).
    /// </summary>
    /// <exception cref="InvalidOperationException">The checkpoint was written for another architecture, width, stem or image size.</exception>
    /// <exception cref="InvalidDataException">The file is not a checkpoint or lacks encoder tensors.</exception>
    public static (ResNet Encoder, RunConfiguration Run, long Step) Load(string path, ByolOptions options)
    {
        var (metadata, tensors) = CheckpointFile.Read(path);
        try
        {
            var run = RunConfiguration.FromJson(metadata.RunFingerprint, $"The checkpoint '{path}'");
            CheckCompatible(path, run.Encoder, options);
            var encoder = new ResNet(run.Encoder.Layout());
            try
            {
                using (no_grad())
                {
                    foreach (var (name, target) in encoder.state_dict())
                    {
                        if (!tensors.TryGetValue(OnlineEncoderPrefix + name, out var saved))
                            throw new InvalidDataException($"The checkpoint '{path}' lacks the encoder tensor '{name}'.");
                        target.copy_(saved);
                    }
                }
                encoder.eval();
                return (encoder, run, metadata.Step);
            }
            catch
            {
                encoder.Dispose();
                throw;
            }
        }
        finally
        {
            foreach (var t in tensors.Values)
                t.Dispose();
        }
    }

    /// <summary>Compares the checkpoint's encoder with what the options say of it.</summary>
    internal static void CheckCompatible(string path, EncoderConfiguration saved, ByolOptions options)
    {
        IReadOnlyList<string> differences;
        if (options.InitialEncoderPath is null)
        {
            differences = EncoderConfiguration.For(options.Layout, options.ImageSize, null).ShapeDifferences(saved, "options", "checkpoint");
        }
        else
        {
            // The file decided the network: compare only what the options state themselves.
            var list = new List<string>();
            if (options.ImageSize != saved.ImageSize)
                list.Add($"image size: checkpoint {saved.ImageSize}, options {options.ImageSize}");
            if (options.ArchitectureIsSet && options.Architecture != saved.Architecture)
                list.Add($"architecture: checkpoint {saved.Architecture}, options {options.Architecture}");
            if (options.WidthMultiplierIsSet && options.WidthMultiplier != saved.WidthMultiplier)
                list.Add($"width: checkpoint {saved.WidthMultiplier}, options {options.WidthMultiplier}");
            differences = list;
        }
        if (differences.Count > 0)
            throw new InvalidOperationException(
                $"The checkpoint '{path}' holds another network than these options describe ({string.Join("; ", differences)}). " +
                "Use the ByolOptions the run was started with.");
    }
}
