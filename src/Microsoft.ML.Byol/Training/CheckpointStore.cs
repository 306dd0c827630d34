using System.Globalization;
using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// The checkpoints of one run in a folder: <c>byol-step-000000123.ckpt</c>, the newest few kept. A checkpoint holds
/// online and target weights with BatchNorm statistics, LARS momentum, the step, the random generator's state and
/// the epoch's shuffle order, so that a resumed run continues the very same schedule and random stream.
/// </summary>
internal sealed class CheckpointStore
{
    private const string Prefix = "byol-step-";
    private const string Extension = ".ckpt";
    private readonly string _directory;
    private readonly int _keep;
    private readonly string _fingerprint;

    public CheckpointStore(string directory, int keep, string fingerprint)
    {
        _directory = directory;
        _keep = keep;
        _fingerprint = fingerprint;
    }

    /// <summary>What a resume restored.</summary>
    public sealed record ResumeState(string Path, long Step, long[] Permutation, CheckpointMetadata Metadata);

    /// <summary>The checkpoint files of the folder, newest step first.</summary>
    public IReadOnlyList<(long Step, string Path)> List() => ListFiles(_directory);

    /// <summary>The checkpoint files of <paramref name="directory"/>, newest step first (none when it does not exist).</summary>
    public static IReadOnlyList<(long Step, string Path)> ListFiles(string directory)
    {
        if (!Directory.Exists(directory))
            return Array.Empty<(long, string)>();
        return Directory.EnumerateFiles(directory, Prefix + "*" + Extension)
            .Select(p => (Step: long.TryParse(Path.GetFileNameWithoutExtension(p)[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : -1, Path: p))
            .Where(x => x.Step >= 0)
            .OrderByDescending(x => x.Step)
            .ToList();
    }

    /// <summary>Writes a checkpoint atomically and prunes old ones; returns its path.</summary>
    public string Save(long step, ByolNetwork network, Lars optimizer, Generator generator, long[] permutation, double? lastLoss, int collapseStreak)
    {
        string path = Path.Combine(_directory, $"{Prefix}{step:D9}{Extension}");
        using var scope = NewDisposeScope();
        var tensors = new List<KeyValuePair<string, Tensor>>();
        tensors.AddRange(network.state_dict().Select(kv => KeyValuePair.Create("network." + kv.Key, kv.Value)));
        tensors.AddRange(optimizer.MomentumState.Select(kv => KeyValuePair.Create("momentum." + kv.Key, kv.Value)));
        tensors.Add(KeyValuePair.Create("random.generator", generator.get_state()));
        tensors.Add(KeyValuePair.Create("data.permutation", torch.tensor(permutation)));
        var metadata = new CheckpointMetadata
        {
            Step = step,
            RunFingerprint = _fingerprint,
            LastLoss = lastLoss,
            CollapseStreak = collapseStreak,
            WrittenUtc = DateTime.UtcNow,
        };
        CheckpointFile.Write(path, metadata, tensors);
        foreach (var (_, old) in List().Skip(_keep))
            File.Delete(old);
        return path;
    }

    /// <summary>Restores the newest checkpoint of the folder, if any.</summary>
    /// <exception cref="InvalidOperationException">The newest checkpoint belongs to a run with another configuration.</exception>
    public bool TryResume(ByolNetwork network, Lars optimizer, Generator generator, out ResumeState state)
    {
        state = null!;
        var newest = List().FirstOrDefault();
        if (newest.Path is null)
            return false;
        var (metadata, tensors) = CheckpointFile.Read(newest.Path);
        try
        {
            if (metadata.RunFingerprint != _fingerprint)
                throw new InvalidOperationException(
                    $"The checkpoint '{newest.Path}' belongs to a run with another configuration, so it cannot be resumed.\n" +
                    $"  checkpoint: {metadata.RunFingerprint}\n  this run:   {_fingerprint}\n" +
                    "Use another ByolOptions.CheckpointDirectory, or delete the folder to start afresh.");
            using (no_grad())
            {
                foreach (var (name, target) in network.state_dict())
                {
                    if (!tensors.TryGetValue("network." + name, out var saved))
                        throw new InvalidDataException($"The checkpoint '{newest.Path}' lacks '{name}'.");
                    target.copy_(saved);
                }
            }
            optimizer.LoadMomentumState(tensors.Where(kv => kv.Key.StartsWith("momentum.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key["momentum.".Length..], kv => kv.Value));
            generator.set_state(tensors["random.generator"]);
            state = new ResumeState(newest.Path, metadata.Step, tensors["data.permutation"].data<long>().ToArray(), metadata);
            return true;
        }
        finally
        {
            foreach (var t in tensors.Values)
                t.Dispose();
        }
    }
}
