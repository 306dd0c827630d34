using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Training;

/// <summary>BYOL must learn a representation: after a short run a linear probe beats the untrained encoder clearly.</summary>
public sealed class ByolLearnsTests
{
    private readonly ITestOutputHelper _output;

    public ByolLearnsTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureInitialized();
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void TrainedEncoderSeparatesShapesBetterThanTheUntrainedOne()
    {
        const int size = 24, trainCount = 512, testCount = 256;
        var (trainPixels, trainLabels) = SyntheticShapes.Generate(trainCount, size, seed: 100);
        var (testPixels, testLabels) = SyntheticShapes.Generate(testCount, size, seed: 200);

        var options = TinyRuns.Options(imageSize: size, batchSize: 64, epochs: 40);
        options.WidthMultiplier = 0.25f;
        options.WarmupEpochs = 2;
        options.BaseLearningRate = 4;
        options.TrustCoefficient = 0.01;   // small batches, few steps: a larger LARS η than ImageNet's 1e-3
        options.View1!.CropScaleMin = 0.2;  // 24 px images: crops below 20 % of the area rarely show the shape
        options.View2!.CropScaleMin = 0.2;
        using var store = Microsoft.ML.Byol.Data.InMemoryImageStore.FromBytes(trainPixels, trainCount, 3, size, size);
        using var trained = new ByolTrainer(options, seed: 21, log: _output.WriteLine).Train(store);

        torch.random.manual_seed(21);
        using var untrained = new ResNet(options.Layout);

        double Probe(ResNet encoder) => RidgeProbe.Accuracy(
            TinyRuns.Embed(encoder, trainPixels, trainCount, size), trainLabels,
            TinyRuns.Embed(encoder, testPixels, testCount, size), testLabels, SyntheticShapes.ClassCount);

        double before = Probe(untrained), after = Probe(trained.Encoder);
        _output.WriteLine($"linear (ridge) probe accuracy: untrained {before:P1}, BYOL {after:P1} (chance 25%); {trained.StepsDone} steps in {trained.Elapsed.TotalSeconds:F0} s, final loss {trained.FinalLoss:F3}");
        after.Should().BeGreaterThan(before + 0.20);
        trained.CollapseSuspected.Should().BeFalse();
    }
}
