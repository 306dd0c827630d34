using Microsoft.ML.Byol.Networks;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// The online encoder of a checkpoint, rebuilt on the CPU in eval mode: what a run had learnt at that step, for
/// export or evaluation while (or after) training goes on. Only the encoder's weights and BatchNorm statistics are
/// read; the target network, the heads and the optimizer state are left in the file.
/// </summary>
internal static class CheckpointEncoder
{
    private const string OnlineEncoderPrefix = "network.online_encoder.";
    private const string BlocksKey = "blocks";

    /// <summary>Loads the online encoder of <paramref name="path"/>, which must come from a run with <paramref name="options"/>' network.</summary>
    /// <exception cref="InvalidOperationException">The checkpoint was written for another architecture, width, stem or image size.</exception>
    /// <exception cref="InvalidDataException">The file is not a checkpoint or lacks encoder tensors.</exception>
    public static ResNet Load(string path, ByolOptions options)
    {
        var (metadata, tensors) = CheckpointFile.Read(path);
        try
        {
            CheckCompatible(path, metadata.RunFingerprint, options);
            var encoder = new ResNet(options.Layout);
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
                return encoder;
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

    /// <summary>
    /// The network part of a run fingerprint, in order: what decides the encoder's tensors (architecture, width, stem,
    /// image size, and the blocks per stage when they are not the architecture's standard ones, so that fingerprints
    /// of standard layouts are what they were before block counts became part of the layout).
    /// <see cref="ByolTrainer"/> writes it first in every checkpoint's fingerprint.
    /// </summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> NetworkFingerprint(ByolOptions options) =>
        NetworkFingerprint(options.Layout, options.ImageSize);

    /// <summary>The network part of a run fingerprint for an explicit layout (e.g. one read from pretrained weights).</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> NetworkFingerprint(ResNetLayout layout, int imageSize)
    {
        var entries = new List<KeyValuePair<string, string>>
        {
            KeyValuePair.Create("arch", layout.Architecture.ToString()),
            KeyValuePair.Create("width", layout.WidthMultiplier.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            KeyValuePair.Create("stem", layout.SmallImageStem.ToString()),
            KeyValuePair.Create("size", imageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (!layout.HasDefaultBlocks)
            entries.Add(KeyValuePair.Create(BlocksKey, layout.BlocksText));
        return entries;
    }

    /// <summary>Compares the network part of the run fingerprint (arch, width, stem, size, blocks) with the options.</summary>
    internal static void CheckCompatible(string path, string fingerprint, ByolOptions options) =>
        CheckCompatible(path, fingerprint, options.Layout, options.ImageSize);

    /// <summary>Compares the network part of the run fingerprint with an explicit layout and image size.</summary>
    internal static void CheckCompatible(string path, string fingerprint, ResNetLayout layout, int imageSize)
    {
        var saved = fingerprint.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        var expected = NetworkFingerprint(layout, imageSize).ToList();
        // A fingerprint without "blocks" (standard layouts, and every checkpoint written before the key existed)
        // means the architecture's standard block counts.
        if (!saved.ContainsKey(BlocksKey) && saved.TryGetValue("arch", out string? arch)
            && Enum.TryParse(arch, out ByolArchitecture savedArchitecture))
            saved[BlocksKey] = ResNetLayout.FormatBlocks(ResNetLayout.DefaultBlocksPerStage(savedArchitecture));
        if (layout.HasDefaultBlocks)
            expected.Add(KeyValuePair.Create(BlocksKey, layout.BlocksText));
        var differences = expected
            .Where(kv => !saved.TryGetValue(kv.Key, out var value) || value != kv.Value)
            .Select(kv => $"{kv.Key}: checkpoint {(saved.TryGetValue(kv.Key, out var v) ? v : "(missing)")}, options {kv.Value}")
            .ToList();
        if (differences.Count > 0)
            throw new InvalidOperationException(
                $"The checkpoint '{path}' holds another network than these options describe ({string.Join("; ", differences)}). " +
                "Use the ByolOptions the run was started with.");
    }
}
