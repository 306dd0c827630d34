using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Reliability;

/// <summary>
/// A damaged newest checkpoint (issue 14): resume falls back to the older good one and gives exactly the run
/// resumed from that one; <see cref="ByolEstimator.GetCheckpoints"/> leaves the damaged file out without throwing;
/// the log names the skipped file.
/// </summary>
[Trait("Category", "Reliability")]
[Trait("Category", "Slow")]
public sealed class DamagedCheckpointTests : IClassFixture<DamagedCheckpointTests.Runs>, IDisposable
{
    /// <summary>A 6-step run with checkpoints at steps 2, 4 and 6, and the run resumed from step 2 alone.</summary>
    public sealed class Runs : IDisposable
    {
        public const int Seed = 11;
        private readonly TempFolder _folder = new("byol-damaged-ref-", create: false);

        public Runs()
        {
            TorchRuntime.EnsureInitialized();
            Store = TinyRuns.Shapes(32, 16);   // 2 steps an epoch
            var first = Options(_folder.Path);
            using (var straight = new ByolTrainer(first, Seed).Train(Store))
                StraightLosses = straight.LossHistory.Select(h => h.Loss).ToArray();
            Step2 = File.ReadAllBytes(Path.Combine(_folder.Path, "byol-step-000000002.ckpt"));
            Step4 = File.ReadAllBytes(Path.Combine(_folder.Path, "byol-step-000000004.ckpt"));

            string alone = Path.Combine(_folder.Path, "alone");
            Directory.CreateDirectory(alone);
            File.WriteAllBytes(Path.Combine(alone, "byol-step-000000002.ckpt"), Step2);
            using var resumed = new ByolTrainer(Options(alone), Seed).Train(Store);
            resumed.ResumedFromStep.Should().Be(2);
            Losses = resumed.LossHistory.Select(h => h.Loss).ToArray();
            Weights = TinyRuns.Snapshot(resumed.Network);
        }

        internal InMemoryImageStore Store { get; }
        public byte[] Step2 { get; }
        public byte[] Step4 { get; }
        public double[] Losses { get; }
        public double[] StraightLosses { get; }
        public Dictionary<string, float[]> Weights { get; }

        public static ByolOptions Options(string folder)
        {
            var options = TinyRuns.Options(epochs: 3);
            options.MaxSteps = 6;
            options.CheckpointDirectory = folder;
            options.CheckpointEverySteps = 2;
            options.CheckpointsToKeep = 10;
            return options;
        }

        public void Dispose()
        {
            Store.Dispose();
            _folder.Dispose();
        }
    }

    private readonly Runs _runs;
    private readonly ITestOutputHelper _output;
    private readonly TempFolder _folder = new("byol-damaged-", create: false);

    public DamagedCheckpointTests(Runs runs, ITestOutputHelper output)
    {
        _runs = runs;
        _output = output;
    }

    public void Dispose()
    {
        _folder.Dispose();
    }

    [Theory]
    [InlineData(CheckpointDamage.Half)]
    [InlineData(CheckpointDamage.FourteenBytes)]
    [InlineData(CheckpointDamage.Empty)]
    [InlineData(CheckpointDamage.RandomBytes)]
    [InlineData(CheckpointDamage.FlippedByte)]
    public void ResumeFallsBackToTheOlderGoodCheckpoint(string damage)
    {
        Directory.CreateDirectory(_folder.Path);
        string older = Path.Combine(_folder.Path, "byol-step-000000002.ckpt"), newest = Path.Combine(_folder.Path, "byol-step-000000004.ckpt");
        File.WriteAllBytes(older, _runs.Step2);
        File.WriteAllBytes(newest, _runs.Step4);
        CheckpointDamage.Apply(newest, damage);

        // Listing: only the good one, no exception, a warning naming the damaged file.
        var ml = new MLContext(1);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("left out", StringComparison.Ordinal)) warnings.Add(e.Message); };
        var listed = ml.Transforms.ByolPretrain(Runs.Options(_folder.Path)).GetCheckpoints();
        listed.Select(c => (c.Step, c.Path)).Should().Equal((2L, older));
        warnings.Should().ContainSingle().Which.Should().Contain(newest);

        // Resume: from step 2, the damaged file named in the log, the same run as resumed from step 2 alone.
        var log = new List<string>();
        using var resumed = new ByolTrainer(Runs.Options(_folder.Path), Runs.Seed, log.Add).Train(_runs.Store);
        foreach (var line in log.Where(l => l.Contains("checkpoint", StringComparison.OrdinalIgnoreCase)))
            _output.WriteLine(line);
        resumed.ResumedFromStep.Should().Be(2);
        log.Should().Contain(l => l.Contains("skipped", StringComparison.Ordinal) && l.Contains(newest, StringComparison.Ordinal));
        resumed.LossHistory.Select(h => h.Loss).Should().Equal(_runs.Losses, (a, b) => Math.Abs(a - b) <= 1e-4 * Math.Max(1, Math.Abs(b)));
        var weights = TinyRuns.Snapshot(resumed.Network);
        weights.Keys.Should().BeEquivalentTo(_runs.Weights.Keys);
        foreach (var (name, expected) in _runs.Weights)
            expected.Zip(weights[name], (a, b) => (double)Math.Abs(a - b)).DefaultIfEmpty(0).Max().Should().BeLessThan(1e-4, name);

        // The damaged file was rewritten by the resumed run: every checkpoint verifies again.
        ml.Transforms.ByolPretrain(Runs.Options(_folder.Path)).GetCheckpoints().Select(c => c.Step).Should().Equal(2, 4, 6);
    }

    [Fact]
    public void WhenNoCheckpointVerifiesTheRunStartsAfreshAndSaysSo()
    {
        Directory.CreateDirectory(_folder.Path);
        string older = Path.Combine(_folder.Path, "byol-step-000000002.ckpt"), newest = Path.Combine(_folder.Path, "byol-step-000000004.ckpt");
        File.WriteAllBytes(older, _runs.Step2);
        File.WriteAllBytes(newest, _runs.Step4);
        CheckpointDamage.Apply(older, CheckpointDamage.FlippedByte);
        CheckpointDamage.Apply(newest, CheckpointDamage.Half);

        new MLContext(1).Transforms.ByolPretrain(Runs.Options(_folder.Path)).GetCheckpoints().Should().BeEmpty();
        var log = new List<string>();
        using var run = new ByolTrainer(Runs.Options(_folder.Path), Runs.Seed, log.Add).Train(_runs.Store);
        run.ResumedFromStep.Should().Be(0);
        log.Where(l => l.Contains("skipped", StringComparison.Ordinal)).Should().HaveCount(2)
            .And.Contain(l => l.Contains(older, StringComparison.Ordinal)).And.Contain(l => l.Contains(newest, StringComparison.Ordinal));
        log.Should().Contain(l => l.Contains("starts from step 0", StringComparison.Ordinal));
        run.LossHistory.Select(h => h.Loss).Should().Equal(_runs.StraightLosses, (a, b) => Math.Abs(a - b) <= 1e-4 * Math.Max(1, Math.Abs(b)));
    }
}
