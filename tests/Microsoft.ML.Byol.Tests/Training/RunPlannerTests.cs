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
}
