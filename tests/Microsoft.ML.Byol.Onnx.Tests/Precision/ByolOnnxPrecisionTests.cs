using Microsoft.ML.Byol.Onnx.Tests.Support;

namespace Microsoft.ML.Byol.Onnx.Tests.Precision;

public class ByolOnnxPrecisionTests
{
    /// <summary>
    /// Int8 embeddings stay this close to the float32 ones on held-out images (1 − cosine similarity). Measured
    /// 2026-12-06: 0.0008 (small stem), 0.0011 (standard stem, high-contrast images).
    /// </summary>
    private const double Int8CosineDistanceBound = 0.01;

    /// <summary>Float16 embeddings stay this close to the float32 ones (1 − cosine similarity); measured 1.4e-7 on the CPU.</summary>
    private const double Float16CosineDistanceBound = 1e-4;

    private static readonly float[][] HeldOut = PrecisionFixture.Images(16, seed: 29);

    [Fact]
    public void Float32_IsTheEncoderAsGiven()
    {
        using var byol = PrecisionFixture.Transformer(TestEncoder.Bytes);
        using var stream = new MemoryStream();

        byol.ExportOnnx(stream, ByolOnnxPrecision.Float32);

        stream.ToArray().Should().Equal(TestEncoder.Bytes);
        ByolEncoderInfo.FromOnnxBytes(stream.ToArray()).Precision.Should().Be(ByolOnnxPrecision.Float32);
    }

    [Fact]
    public void Int8_StaysNearFloat32_OnHeldOutImages()
    {
        var int8 = PrecisionFixture.Export(ByolOnnxPrecision.Int8);

        double distance = PrecisionFixture.WorstCosineDistance(
            PrecisionFixture.Embed(int8, HeldOut), PrecisionFixture.Embed(TestEncoder.Bytes, HeldOut));

        distance.Should().BeLessThan(Int8CosineDistanceBound);
        ByolEncoderInfo.FromOnnxBytes(int8).Precision.Should().Be(ByolOnnxPrecision.Int8);
    }

    [Fact]
    public void Int8_OfAStandardStemEncoder_OnHighContrastImages_StaysNearFloat32()
    {
        // Black backgrounds and bright objects (as Fashion-MNIST) drive the 7×7 stem's uint8 inputs to both ends of
        // their range, and a smoothing stem (weights alike in sign and size, as trained first layers often are) puts
        // many weights at the top of theirs: full-range int8 weights would saturate the int16 pair sums of AVX2
        // kernels here (measured: 0.027 cosine distance with weights in [−127, 127], 0.0011 in [−63, 63]).
        var encoder = StandardStemEncoder(smoothingStem: true);
        var images = PrecisionFixture.HighContrastImages(24, seed: 3);
        var int8 = PrecisionFixture.Export(ByolOnnxPrecision.Int8, _ => PrecisionFixture.HighContrastImages(PrecisionFixture.CalibrationCount, seed: 41), encoder);

        double distance = PrecisionFixture.WorstCosineDistance(PrecisionFixture.Embed(int8, images), PrecisionFixture.Embed(encoder, images));

        distance.Should().BeLessThan(Int8CosineDistanceBound);
    }

    [Fact]
    public void Int8_CalibratedOnAFarNarrowerRange_IsFurtherFromFloat32()
    {
        // The same check with activations calibrated on dim images: the held-out images saturate, the bound fails.
        var int8 = PrecisionFixture.Export(ByolOnnxPrecision.Int8, images => images.Select(i => i.Select(v => v * 0.05f).ToArray()).ToArray());

        double distance = PrecisionFixture.WorstCosineDistance(
            PrecisionFixture.Embed(int8, HeldOut), PrecisionFixture.Embed(TestEncoder.Bytes, HeldOut));

        distance.Should().BeGreaterThan(Int8CosineDistanceBound);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // the standard stem: 7×7 stride-2 convolution and a max-pool
    public void Int8_IsFusedIntoIntegerKernels_ByOnnxRuntime(bool smallImageStem)
    {
        var floatEncoder = smallImageStem ? TestEncoder.Bytes : StandardStemEncoder();
        var operators = PrecisionFixture.OptimisedOperators(PrecisionFixture.Export(ByolOnnxPrecision.Int8, encoder: floatEncoder));

        operators.Should().Contain("QLinearConv");
        operators.Should().Contain("QLinearAdd");
        operators.Where(o => o is "Conv" or "FusedConv" or "Add").Should().BeEmpty("every convolution and residual sum runs on integers");
        operators.Count(o => o == "QLinearConv").Should().Be(
            PrecisionFixture.OptimisedOperators(floatEncoder).Count(o => o is "Conv" or "FusedConv"));
        operators.Count(o => o == "QuantizeLinear").Should().Be(1, "the pixels are quantised once, after the normalisation");
        operators.Count(o => o == "DequantizeLinear").Should().Be(1, "only the global pool's input is dequantised: all between runs on uint8");
    }

    private static byte[] StandardStemEncoder(bool smoothingStem = false)
    {
        var layout = new ResNetLayout(ByolArchitecture.ResNet18, 0.125f, SmallImageStem: false);
        var net = RandomResNet.For(layout, seed: 5);
        if (smoothingStem)
        {
            var (weights, shape) = net.StateDict["conv1.weight"];
            var random = new Random(5);
            var smooth = weights.Select((_, i) => (i / (weights.Length / shape[0]) % 2 == 0 ? 1f : -1f) * (0.9f + 0.1f * random.NextSingle()) / 49f).ToArray();
            net.StateDict["conv1.weight"] = (smooth, shape);
        }

        return Graph.ResNetOnnxBuilder.Build(layout, PrecisionFixture.Size, net.Get, foldBatchNorm: true);
    }

    [Fact]
    public void Float16_RunsOnTheCpu_NearFloat32()
    {
        var fp16 = PrecisionFixture.Export(ByolOnnxPrecision.Float16);

        double distance = PrecisionFixture.WorstCosineDistance(
            PrecisionFixture.Embed(fp16, HeldOut), PrecisionFixture.Embed(TestEncoder.Bytes, HeldOut));

        distance.Should().BeLessThan(Float16CosineDistanceBound);
        ByolEncoderInfo.FromOnnxBytes(fp16).Precision.Should().Be(ByolOnnxPrecision.Float16);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(fp16);
        model.Graph.Initializer.Where(t => t.DataType == (int)global::Onnx.TensorProto.Types.DataType.Float).Should().BeEmpty();
        model.Graph.Input.Single().Type.TensorType.ElemType.Should().Be((int)global::Onnx.TensorProto.Types.DataType.Float);
        model.Graph.Output.Single().Type.TensorType.ElemType.Should().Be((int)global::Onnx.TensorProto.Types.DataType.Float);
    }

    [Theory]
    [InlineData(ByolOnnxPrecision.Int8)]
    [InlineData(ByolOnnxPrecision.Float16)]
    public void LowPrecisionFiles_RunInTheEmbedderAndTheTransformer(ByolOnnxPrecision precision)
    {
        var encoder = PrecisionFixture.Export(precision);
        var expected = PrecisionFixture.Embed(encoder, HeldOut);
        string path = Path.Combine(Path.GetTempPath(), $"byol-{precision}-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, encoder);
        try
        {
            using var embedder = ByolEmbedder.Load(path);
            embedder.EncoderInfo.Precision.Should().Be(precision);
            Embeddings(embedder.EmbedPixels(HeldOut.SelectMany(p => p).ToArray(), HeldOut.Length), expected);

            using var byol = PrecisionFixture.Transformer(encoder);
            byol.EncoderInfo.Precision.Should().Be(precision);
            var view = PrecisionFixture.View(HeldOut);
            Embeddings(Pictures.Column(byol.Transform(view), "Embedding"), expected);
            Embeddings(Pictures.Column(byol.TransformPerRow(view), "Embedding"), expected);
        }
        finally
        {
            File.Delete(path);
        }

        static void Embeddings(float[][] actual, float[][] expected) =>
            PrecisionFixture.WorstCosineDistance(actual, expected).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Int8_WithoutCalibrationImages_IsAClearError()
    {
        using var byol = PrecisionFixture.Transformer(TestEncoder.Bytes);

        var act = () => byol.ExportOnnx(new MemoryStream(), ByolOnnxPrecision.Int8);

        act.Should().Throw<ArgumentException>().WithMessage("*calibration images*");
    }

    [Fact]
    public void Int8_WithAnEmptyCalibrationSet_IsAClearError()
    {
        using var byol = PrecisionFixture.Transformer(TestEncoder.Bytes);

        var act = () => byol.ExportOnnx(new MemoryStream(), ByolOnnxPrecision.Int8, PrecisionFixture.View(Array.Empty<float[]>()));

        act.Should().Throw<ArgumentException>().WithMessage("*calibration set holds no image*");
    }

    [Fact]
    public void ALowPrecisionEncoder_IsNotConvertedAgain()
    {
        using var byol = PrecisionFixture.Transformer(PrecisionFixture.Export(ByolOnnxPrecision.Float16));

        var act = () => byol.ExportOnnx(new MemoryStream(), ByolOnnxPrecision.Int8, PrecisionFixture.View(HeldOut));

        act.Should().Throw<InvalidOperationException>().WithMessage("*Float16*only a Float32 encoder*");
    }
}
