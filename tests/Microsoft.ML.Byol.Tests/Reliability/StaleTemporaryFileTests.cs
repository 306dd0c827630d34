using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;

namespace Microsoft.ML.Byol.Tests.Reliability;

/// <summary>Temporary files of checkpoint writes cut short by a kill are removed when the next run starts, and logged.</summary>
[Trait("Category", "Reliability")]
public sealed class StaleTemporaryFileTests : IDisposable
{
    private readonly TempFolder _folder = new("byol-stale-tmp-");

    public StaleTemporaryFileTests()
    {
        TorchRuntime.EnsureInitialized();
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void TheNextRunRemovesThemAndLeavesOtherFilesAlone()
    {
        string[] stale =
        {
            Path.Combine(_folder.Path, $".byol-step-000000002.ckpt.{Guid.NewGuid():N}.tmp"),
            Path.Combine(_folder.Path, $".byol-step-000000004.ckpt.{Guid.NewGuid():N}.tmp"),
        };
        string[] others =
        {
            Path.Combine(_folder.Path, ".notes.tmp"),
            Path.Combine(_folder.Path, $".other-model.ckpt.{Guid.NewGuid():N}.tmp"),
            Path.Combine(_folder.Path, $".byol-step-000000002.ckpt.not-a-guid.tmp"),
            Path.Combine(_folder.Path, "byol-step-000000002.ckpt.tmp"),
        };
        foreach (var file in stale.Concat(others))
            File.WriteAllBytes(file, new byte[300_000]);

        var options = TinyRuns.Options();
        options.MaxSteps = 1;
        options.CheckpointDirectory = _folder.Path;
        var log = new List<string>();
        using var store = TinyRuns.Shapes(16, 16);
        using (new ByolTrainer(options, seed: 2, log.Add).Train(store)) { }

        foreach (var file in stale)
        {
            File.Exists(file).Should().BeFalse(file);
            log.Should().ContainSingle(l => l.Contains(file, StringComparison.Ordinal) && l.Contains("removed", StringComparison.Ordinal));
        }
        foreach (var file in others)
            File.Exists(file).Should().BeTrue(file);
        File.Exists(Path.Combine(_folder.Path, "byol-step-000000001.ckpt")).Should().BeTrue("the run itself checkpointed");
    }
}
