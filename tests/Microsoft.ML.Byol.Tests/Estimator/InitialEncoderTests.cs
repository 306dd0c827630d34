using Microsoft.ML.Data;
using Microsoft.ML.Byol.Tests.Support;

namespace Microsoft.ML.Byol.Tests.Estimator;

/// <summary><see cref="ByolOptions.InitialEncoderPath"/> through the public API: what the file decides, what the fine-tuning settings protect.</summary>
public sealed class InitialEncoderTests : IDisposable
{
    private readonly ShapeFiles _files = ShapeFiles.Write(48, 16, seed: 8);
    private readonly TempFolder _folder = new("byol-initial-");

    public void Dispose()
    {
        _files.Dispose();
        _folder.Dispose();
    }

    /// <summary>A tiny trained encoder exported as ONNX, to start from.</summary>
    private string Pretrained(MLContext ml)
    {
        var options = TinyRuns.Options(imageSize: 16, batchSize: 16);
        options.MaxSteps = 3;
        string path = Path.Combine(_folder.Path, "pretrained.onnx");
        using var model = ml.Transforms.ByolPretrain(options).Fit(_files.Load(ml));
        model.ExportOnnx(path);
        return path;
    }

    /// <summary>Options that leave the network to the file.</summary>
    private static ByolOptions FromFile(string path, long steps) => new()
    {
        InitialEncoderPath = path,
        ImageSize = 16,
        ProjectorHiddenSize = 64,
        ProjectionSize = 32,
        PredictorHiddenSize = 64,
        BatchSize = 16,
        Epochs = 1,
        MaxSteps = steps,
        Device = "cpu",
        NumberOfThreads = 2,   // the default follows the machine's load; runs are compared with each other
        Seed = 3,
    };

    private List<float[]> Embed(MLContext ml, ITransformer encoder) => encoder.Transform(_files.Load(ml)).GetColumn<float[]>("Embedding").ToList();

    [Fact]
    public void NoStepExportsTheImportedEncoderWithTheFilesArchitecture()
    {
        var ml = new MLContext(1);
        string path = Pretrained(ml);
        using var original = ml.Transforms.ApplyByolEncoder(path);
        var options = FromFile(path, steps: 0);
        options.EmbeddingImageSize = original.EncoderInfo.ImageSize;   // the file's side (with no step the default is ImageSize)
        using var imported = ml.Transforms.ByolPretrain(options).Fit(_files.Load(ml));

        imported.EncoderInfo.Architecture.Should().Be(ByolArchitecture.ResNet18);   // the file's, not the options' default ResNet-50
        imported.EncoderInfo.EmbeddingSize.Should().Be(original.EncoderInfo.EmbeddingSize);
        imported.EncoderInfo.TrainingSummary.Should().ContainKey("initial_encoder").WhoseValue.Should().StartWith("pretrained.onnx");
        Compare.MaxAbsDifference(Embed(ml, original), Embed(ml, imported)).Should().BeLessThan(1e-4f);
    }

    [Fact]
    public void AFrozenEncoderWithFrozenBatchNormDoesNotMoveButBatchStatisticsDo()
    {
        var ml = new MLContext(1);
        string path = Pretrained(ml);
        using var original = ml.Transforms.ApplyByolEncoder(path);
        var before = Embed(ml, original);

        var frozen = FromFile(path, steps: 4);
        frozen.FrozenEncoderFraction = 1;          // only the heads train...
        frozen.FreezeEncoderBatchNorm = true;      // ...and the encoder's BatchNorm keeps its statistics
        using var heads = ml.Transforms.ByolPretrain(frozen).Fit(_files.Load(ml));
        Compare.MaxAbsDifference(before, Embed(ml, heads)).Should().BeLessThan(1e-4f, "nothing of the encoder may move");

        frozen.FreezeEncoderBatchNorm = false;     // batch statistics update the running means even with frozen weights
        using var adapted = ml.Transforms.ByolPretrain(frozen).Fit(_files.Load(ml));
        Compare.MaxAbsDifference(before, Embed(ml, adapted)).Should().BeGreaterThan(1e-3f);

        var training = FromFile(path, steps: 4);   // the fine-tuning recipe: the encoder trains after the frozen phase
        using var tuned = ml.Transforms.ByolPretrain(training).Fit(_files.Load(ml));
        Compare.MaxAbsDifference(before, Embed(ml, tuned)).Should().BeGreaterThan(1e-5f);
    }

    [Fact]
    public void RecalibrationIsOptInAndChangesTheEmbeddings()
    {
        var ml = new MLContext(1);
        string path = Pretrained(ml);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("BYOL", StringComparison.Ordinal)) log.Add(e.Message); };
        var options = FromFile(path, steps: 4);
        options.FrozenEncoderFraction = 1;   // the encoder's weights do not move: only its statistics can
        using var kept = ml.Transforms.ByolPretrain(options).Fit(_files.Load(ml));
        log.Should().NotContain(l => l.Contains("re-estimated"), "the statistics are kept by default");

        options.RecalibrateEncoderBatchNorm = true;
        using var recalibrated = ml.Transforms.ByolPretrain(options).Fit(_files.Load(ml));
        log.Should().Contain(l => l.Contains("BatchNorm statistics re-estimated on 48 training images"));
        Compare.MaxAbsDifference(Embed(ml, kept), Embed(ml, recalibrated)).Should().BeGreaterThan(1e-3f);
    }

    [Fact]
    public void OptionsThatContradictTheFileAreAClearError()
    {
        var ml = new MLContext(1);
        string path = Pretrained(ml);
        var options = FromFile(path, steps: 0);
        options.Architecture = ByolArchitecture.ResNet50;
        FluentActions.Invoking(() => ml.Transforms.ByolPretrain(options).Fit(_files.Load(ml)))
            .Should().Throw<ArgumentException>().WithMessage("*pretrained.onnx*Architecture is ResNet50*ResNet18*");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void MlNetsImageNetResNet18StartsARunAt64Pixels()
    {
        string model = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
        File.Exists(model).Should().BeTrue("the test project references Microsoft.ML.DnnImageFeaturizer.ResNet18");
        var ml = new MLContext(1);
        var options = FromFile(model, steps: 0);
        options.ImageSize = 64;
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("BYOL", StringComparison.Ordinal)) log.Add(e.Message); };
        using var encoder = ml.Transforms.ByolPretrain(options).Fit(_files.Load(ml));
        encoder.EncoderInfo.Architecture.Should().Be(ByolArchitecture.ResNet18);
        encoder.EncoderInfo.BlocksPerStage.Should().Equal(2, 2, 2, 3);
        encoder.EncoderInfo.ImageSize.Should().Be(64, "with no BYOL step the imported encoder is embedded at ImageSize");
        encoder.EncoderInfo.EmbeddingSize.Should().Be(512);
        log.Should().Contain(l => l.Contains("initial encoder") && l.Contains("2,2,2,3"));
        Embed(ml, encoder).Should().OnlyContain(e => e.Length == 512 && e.All(float.IsFinite));
    }
}
