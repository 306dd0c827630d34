namespace Microsoft.ML.Byol.Tests.Estimator;

/// <summary>Every invalid option is a clear exception naming the option, thrown before any training work.</summary>
public sealed class ByolOptionsValidationTests
{
    public static TheoryData<string, Action<ByolOptions>> InvalidOptions() => new()
    {
        { nameof(ByolOptions.BatchSize), o => o.BatchSize = 1 },
        { nameof(ByolOptions.BatchSize), o => o.BatchSize = -4 },
        { nameof(ByolOptions.ImageSize), o => o.ImageSize = 0 },
        { nameof(ByolOptions.ImageSize), o => { o.ImageSize = 16; o.SmallImageStem = false; } },
        { nameof(ByolOptions.EmbeddingImageSize), o => o.EmbeddingImageSize = 4 },
        { nameof(ByolOptions.EmbeddingImageSize), o => o.EmbeddingImageSize = 2048 },
        { nameof(ByolOptions.SourceImageScale), o => o.SourceImageScale = 0.9 },
        { nameof(ByolOptions.SourceImageScale), o => o.SourceImageScale = 4.5 },
        { nameof(ByolOptions.SourceImageScale), o => o.SourceImageScale = double.NaN },
        { nameof(ByolOptions.BaseLearningRate), o => o.BaseLearningRate = 0 },
        { nameof(ByolOptions.BaseLearningRate), o => o.BaseLearningRate = double.NaN },
        { nameof(ByolOptions.TauBase), o => o.TauBase = 1.5 },
        { nameof(ByolOptions.TauBase), o => o.TauBase = -0.1 },
        { nameof(ByolOptions.Device), o => o.Device = "tpu" },
        { nameof(ByolOptions.Epochs), o => o.Epochs = 0 },
        { nameof(ByolOptions.MaxSteps), o => o.MaxSteps = -1 },
        { nameof(ByolOptions.WidthMultiplier), o => o.WidthMultiplier = 0 },
        { nameof(ByolOptions.WeightDecay), o => o.WeightDecay = -1 },
        { nameof(ByolOptions.TrustCoefficient), o => o.TrustCoefficient = 0 },
        { nameof(ByolOptions.ProjectionSize), o => o.ProjectionSize = 0 },
        { nameof(ByolOptions.InputColumnName), o => o.InputColumnName = " " },
        { nameof(ByolOptions.OutputColumnName), o => o.OutputColumnName = "" },
        { nameof(ByolOptions.CheckpointEverySteps), o => o.CheckpointEverySteps = 0 },
        { nameof(ByolOptions.NumberOfThreads), o => o.NumberOfThreads = 0 },
        { nameof(ByolOptions.ReportEverySteps), o => o.ReportEverySteps = 0 },
        { nameof(ByolOptions.ReportEverySteps), o => o.ReportEverySteps = -10 },
        { "View1", o => o.View1 = new ByolViewOptions { FlipProbability = 2 } },
        { "View2", o => o.View2 = new ByolViewOptions { CropScaleMin = 0 } },
        { nameof(ByolOptions.FrozenEncoderFraction), o => o.FrozenEncoderFraction = 1.5 },
        { nameof(ByolOptions.TimeBudget), o => o.TimeBudget = TimeSpan.Zero },
        { nameof(ByolOptions.MonitorEverySteps), o => o.MonitorEverySteps = 0 },
        { nameof(ByolOptions.InitialEncoderPath), o => o.InitialEncoderPath = "/no/such/encoder.onnx" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void InvalidOptionIsNamedWhenThePipelineIsBuilt(string option, Action<ByolOptions> spoil)
    {
        var options = new ByolOptions();
        spoil(options);
        var ml = new MLContext(1);
        FluentActions.Invoking(() => ml.Transforms.ByolPretrain(options))
            .Should().Throw<ArgumentException>()
            .Where(e => e.Message.Contains(option) || (e.ParamName ?? "").Contains(option));
    }

    [Fact]
    public void UnsetOptimisationOptionsAreTheRecipesAndValid()
    {
        var options = new ByolOptions();
        options.Architecture.Should().Be(ByolArchitecture.ResNet50);
        options.BaseLearningRate.Should().BeNull();
        options.TauBase.Should().BeNull();
        options.View1.Should().BeNull();
        options.ProjectorHiddenSize.Should().Be(4096);
        options.ProjectionSize.Should().Be(256);
        var estimator = new MLContext().Transforms.ByolPretrain(options);
        estimator.Options.Should().BeSameAs(options);
    }
}
