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
/// A resume takes the newest checkpoint that verifies and logs every damaged one it skipped; a checkpoint of another
/// run configuration stops the run with an error instead (it is another run's, not damage, and must not be passed over
/// silently). Temporary files left by a process killed while writing are removed when a run starts.
/// </summary>
internal sealed class CheckpointStore
{
    private const string Prefix = "byol-step-";
    private const string Extension = ".ckpt";
    private readonly string _directory;
    private readonly int _keep;
    private readonly string _fingerprint;
    private readonly Action<string> _log;

    public CheckpointStore(string directory, int keep, string fingerprint, Action<string>? log = null)
    {
        _directory = directory;
        _keep = keep;
        _fingerprint = fingerprint;
        _log = log ?? (_ => { });
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

    /// <summary>
    /// The checkpoints of <paramref name="directory"/> that verify (checksum and structure), newest step first, with
    /// their metadata; each file that does not is passed to <paramref name="skipped"/> with the reason.
    /// </summary>
    public static IReadOnlyList<(long Step, string Path, CheckpointMetadata Metadata)> ListVerified(string directory, Action<string, string> skipped)
    {
        var good = new List<(long, string, CheckpointMetadata)>();
        foreach (var (step, path) in ListFiles(directory))
        {
            try
            {
                good.Add((step, path, CheckpointFile.ReadMetadata(path)));
            }
            catch (InvalidDataException e)
            {
                skipped(path, e.Message);
            }
            catch (FileNotFoundException)
            {
                // Pruned by a run that is writing checkpoints meanwhile.
            }
        }
        return good;
    }

    /// <summary>Deletes temporary files left by interrupted writes in the folder and logs each.</summary>
    public void RemoveStaleTemporaryFiles()
    {
        foreach (var (path, bytes) in CheckpointTemporaryFiles.RemoveStale(_directory, Prefix, Extension))
            _log($"BYOL: removed '{path}' ({bytes / 1048576.0:F1} MB), the temporary file of a checkpoint write that was interrupted.");
    }

    /// <summary>Writes a checkpoint atomically and prunes old ones; returns its path.</summary>
    public string Save(long step, ByolNetwork network, Lars optimizer, Generator generator, long[] permutation, double? lastLoss, int collapseStreak,
        BudgetPacing? pacing = null)
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
            Pacing = pacing,
            WrittenUtc = DateTime.UtcNow,
        };
        CheckpointFile.Write(path, metadata, tensors);
        foreach (var (_, old) in List().Skip(_keep))
            File.Delete(old);
        return path;
    }

    /// <summary>Restores the newest checkpoint of the folder that verifies, if any; logs each damaged one skipped.</summary>
    /// <exception cref="InvalidOperationException">The newest checkpoint that verifies belongs to a run with another configuration.</exception>
    public bool TryResume(ByolNetwork network, Lars optimizer, Generator generator, out ResumeState state)
    {
        state = null!;
        int skipped = 0;
        foreach (var (_, path) in List())
        {
            try
            {
                if (TryRestore(path, network, optimizer, generator, out state))
                    return true;
            }
            catch (InvalidDataException e)
            {
                _log($"BYOL: skipped a checkpoint that does not verify, resuming from an older one if any: {e.Message}");
                skipped++;
            }
        }
        if (skipped > 0)
            _log($"BYOL: no checkpoint in '{_directory}' verifies; training starts from step 0.");
        return false;
    }

    /// <summary>Restores one checkpoint; the network, optimizer and generator change only when every part of it is there.</summary>
    private bool TryRestore(string path, ByolNetwork network, Lars optimizer, Generator generator, out ResumeState state)
    {
        var (metadata, tensors) = CheckpointFile.Read(path);
        try
        {
            if (metadata.RunFingerprint != _fingerprint)
                throw new InvalidOperationException(
                    $"The checkpoint '{path}' belongs to a run with another configuration, so it cannot be resumed.\n" +
                    $"  checkpoint: {metadata.RunFingerprint}\n  this run:   {_fingerprint}\n" +
                    "Use another ByolOptions.CheckpointDirectory, or delete the folder to start afresh.");
            var weights = network.state_dict();
            foreach (var (name, target) in weights)
            {
                if (!tensors.TryGetValue("network." + name, out var saved) || !saved.shape.SequenceEqual(target.shape))
                    throw new InvalidDataException($"The checkpoint '{path}' lacks '{name}' or holds it with another shape.");
            }
            foreach (var name in new[] { "random.generator", "data.permutation" })
            {
                if (!tensors.ContainsKey(name))
                    throw new InvalidDataException($"The checkpoint '{path}' lacks '{name}'.");
            }
            var momentum = tensors.Where(kv => kv.Key.StartsWith("momentum.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key["momentum.".Length..], kv => kv.Value);
            try
            {
                optimizer.LoadMomentumState(momentum);   // checks every entry before it changes anything
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"The checkpoint '{path}' holds momentum this optimizer cannot take: {e.Message}", e);
            }
            using (no_grad())
            {
                foreach (var (name, target) in weights)
                    target.copy_(tensors["network." + name]);
            }
            generator.set_state(tensors["random.generator"]);
            state = new ResumeState(path, metadata.Step, tensors["data.permutation"].data<long>().ToArray(), metadata);
            return true;
        }
        finally
        {
            foreach (var t in tensors.Values)
                t.Dispose();
        }
    }
}
