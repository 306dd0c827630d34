using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;

namespace Microsoft.ML.Byol.Tests.Training;

public sealed class RunPlannerTests
{
    public RunPlannerTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void UnsetBatchAndHeadsAreTheRecipesAndReachTheRunConfiguration()
    {
        using var store = TinyRuns.Shapes(100, 16);
        var options = new ByolOptions
        {
            Architecture = ByolArchitecture.ResNet18,
            WidthMultiplier = 0.125f,   // a 64-d embedding
            ImageSize = 16,
            Epochs = 2,
            Device = "cpu",
        };
        var log = new List<string>();

        var run = RunPlanner.Plan(options, store, initial: null, seed: 1, monitor: null, log.Add);

        run.Recipe.Should().Be("short");
        run.Plan.BatchSize.Should().Be(64, "the short recipe's 128, capped by the 100 images to the largest power of two they fill");
        run.Plan.TotalSteps.Should().Be(2 * (100 / 64));
        (run.ProjectorHiddenSize, run.ProjectionSize, run.PredictorHiddenSize).Should().Be((256, 64, 256));
        log.Should().Contain(line => line.StartsWith("BYOL recipe: BatchSize = 64 ("));
        run.ToJson().Should().Contain("\"BatchSize\":64");

        options.BatchSize = 32;
        options.ProjectorHiddenSize = 100;
        var set = RunPlanner.Plan(options, store, initial: null, seed: 1, monitor: null, _ => { });
        (set.Plan.BatchSize, set.ProjectorHiddenSize, set.PredictorHiddenSize).Should().Be((32, 100, 256));
    }

    [Theory]
    [InlineData(0.08, 25)]   // 16 × 1.559 (the paper's crops)
    [InlineData(0.25, 21)]   // 16 × 1.333
    public void ImageColumnsAreEmbeddedAtTheTrainingSizeTimesTheViewsCropZoom(double cropScaleMin, int embeddingSize)
    {
        using var store = TinyRuns.Shapes(100, 16);
        var options = new ByolOptions { WidthMultiplier = 0.125f, ImageSize = 16, Epochs = 2, Device = "cpu" };
        if (cropScaleMin != 0.08)
        {
            options.View1 = new ByolViewOptions { CropScaleMin = cropScaleMin, BlurProbability = 0 };
            options.View2 = new ByolViewOptions { CropScaleMin = cropScaleMin, BlurProbability = 0, SolarizeProbability = 0.2 };
        }
        var log = new List<string>();

        var run = RunPlanner.Plan(options, store, initial: null, seed: 1, monitor: null, log.Add, imageColumn: true);

        run.EmbeddingSide().Should().Be(embeddingSize);
        log.Should().Contain(line => line.Contains($"EmbeddingImageSize = {embeddingSize} (") && line.Contains("× ImageSize"));
        RunPlanner.Plan(options, store, initial: null, seed: 1, monitor: null, _ => { }, imageColumn: false).EmbeddingSide()
            .Should().Be(16, "pixel vectors are embedded at ImageSize");
        options.EmbeddingImageSize = 20;
        RunPlanner.Plan(options, store, initial: null, seed: 1, monitor: null, _ => { }, imageColumn: true).EmbeddingSide().Should().Be(20, "a set size wins");
        options.EmbeddingImageSize = null;
        options.MaxSteps = 0;
        RunPlanner.Plan(options, store, initial: null, seed: 1, monitor: null, _ => { }, imageColumn: true).EmbeddingSide()
            .Should().Be(16, "with no BYOL step no crop of the run has trained the encoder");
    }

    [Fact]
    public void TimeBudget_IsCalibratedOnTheStepOfTheRunItPlans()
    {
        // Planned from the options alone (300 epochs) the run is 'medium': the paper's 256-wide batch and 4096-wide
        // heads; fitted to a short budget it is 'short' (batch 128, heads 4 x the embedding). On 2026-12-07 the
        // budget was timed on the first and spent on the second: 16 of 30 minutes used.
        using var store = TinyRuns.Shapes(400, 16);
        var options = new ByolOptions
        {
            Architecture = ByolArchitecture.ResNet18,
            WidthMultiplier = 0.125f,
            ImageSize = 16,
            Device = "cpu",
            NumberOfThreads = 1,
            TimeBudget = TimeSpan.FromSeconds(5),
        };
        var log = new List<string>();

        var run = RunPlanner.Plan(options, store, initial: null, seed: 1, monitor: null, log.Add);

        run.Recipe.Should().Be("short");
        var timings = log.Where(l => l.StartsWith("BYOL: time budget", StringComparison.Ordinal)).ToList();
        timings.Should().HaveCountGreaterThan(1, "the first timing was of the 'medium' run's step");
        timings[0].Should().Contain("batch 256, heads 4096 → 256");
        timings[^1].Should().Contain($"batch {run.Plan.BatchSize}, heads {run.ProjectorHiddenSize} → {run.ProjectionSize}:");
    }
}
