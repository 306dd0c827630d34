using ByolFashionMnist;
using Microsoft.ML.Byol.Tests.Support;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Estimator;

/// <summary>
/// Linear probing end to end through the public API: images → ByolPretrain → Embedding → MapValueToKey →
/// multinomial logistic regression. The BYOL encoder must beat the same encoder untrained (MaxSteps = 0).
/// </summary>
public sealed class LinearProbeTests
{
    private readonly ITestOutputHelper _output;

    public LinearProbeTests(ITestOutputHelper output) => _output = output;

    private static double ProbeAccuracy(MLContext ml, ITransformer encoder, IDataView train, IDataView test)
    {
        var probe = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
            .Append(ml.Transforms.NormalizeMeanVariance("Features", "Embedding"))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Features"));
        var model = probe.Fit(ml.Data.Cache(encoder.Transform(train)));
        return ml.MulticlassClassification.Evaluate(model.Transform(encoder.Transform(test)), "LabelKey").MicroAccuracy;
    }

    [Trait("Category", "Slow")]
    [SkippableFact]
    public void ByolBeatsTheUntrainedEncoderOnFashionMnist()
    {
        string folder = FashionMnist.DefaultFolder;
        if (!FashionMnist.IsPresent(folder))
        {
            Environment.GetEnvironmentVariable("CI").Should().NotBe("true", "CI installs dataset-fashion-mnist (apt) for this test");
            Skip.If(true, $"Fashion-MNIST is not in {folder} (apt-get install dataset-fashion-mnist).");
        }
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(FashionMnist.Load(folder, "train", limit: 4096));
        var test = ml.Data.LoadFromEnumerable(FashionMnist.Load(folder, "test", limit: 1000));
        var probeTrain = ml.Data.TakeRows(train, 2000);

        ByolOptions Options(long steps) => new()
        {
            Architecture = ByolArchitecture.ResNet18, WidthMultiplier = 0.25f, ImageSize = 28,
            ProjectorHiddenSize = 512, PredictorHiddenSize = 512, ProjectionSize = 128,
            BatchSize = 128, Epochs = 10, MaxSteps = steps, BaseLearningRate = 1.0, TrustCoefficient = 0.01,
            WarmupEpochs = 1, TauBase = 0.99, Device = "cpu", NumberOfThreads = 2,
            View1 = ByolViewOptions.SmallImageView1(), View2 = ByolViewOptions.SmallImageView2(),
        };

        using var untrained = ml.Transforms.ByolPretrain(Options(0)).Fit(train);
        using var trained = ml.Transforms.ByolPretrain(Options(150)).Fit(train);
        double before = ProbeAccuracy(ml, untrained, probeTrain, test);
        double after = ProbeAccuracy(ml, trained, probeTrain, test);
        _output.WriteLine($"Fashion-MNIST linear probe (2000 train / 1000 test): untrained {before:P1}, BYOL 150 steps {after:P1}; " +
                          $"final loss {trained.EncoderInfo.TrainingSummary["final_loss"]}, {trained.EncoderInfo.TrainingSummary["train_seconds"]} s");
        after.Should().BeGreaterThan(before + 0.05);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void ByolBeatsTheUntrainedEncoderOnSyntheticShapeFiles()
    {
        using var trainFiles = ShapeFiles.Write(512, 24, seed: 100);
        using var testFiles = ShapeFiles.Write(256, 24, seed: 200);
        var ml = new MLContext(seed: 2);
        var train = trainFiles.Load(ml);
        var test = testFiles.Load(ml);

        ByolOptions Options(long steps)
        {
            var options = TinyRuns.Options(imageSize: 24, batchSize: 64, epochs: 40);
            options.WidthMultiplier = 0.25f;
            options.WarmupEpochs = 2;
            options.BaseLearningRate = 4;
            options.TrustCoefficient = 0.01;
            options.View1!.CropScaleMin = 0.2;
            options.View2!.CropScaleMin = 0.2;
            options.MaxSteps = steps;
            options.Seed = 21;
            return options;
        }

        using var untrained = ml.Transforms.ByolPretrain(Options(0)).Fit(train);
        using var trained = ml.Transforms.ByolPretrain(Options(320)).Fit(trainFiles.Load(ml));
        double before = ProbeAccuracy(ml, untrained, trainFiles.Load(ml), test);
        double after = ProbeAccuracy(ml, trained, trainFiles.Load(ml), testFiles.Load(ml));
        _output.WriteLine($"synthetic shapes (PNG files) linear probe: untrained {before:P1}, BYOL 320 steps {after:P1}");
        after.Should().BeGreaterThan(before + 0.20);
    }
}
