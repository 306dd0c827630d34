using Microsoft.ML.Byol.Graph;
using Microsoft.ML.Byol.Onnx.Tests.Support;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Onnx.Tests;

public class ResNetOnnxBuilderTests(ITestOutputHelper output)
{
    private const int ImageSize = 32;
    private const float Width = 0.125f;

    [Theory]
    [InlineData(ByolArchitecture.ResNet18, false)]
    [InlineData(ByolArchitecture.ResNet18, true)]
    [InlineData(ByolArchitecture.ResNet50, false)]
    [InlineData(ByolArchitecture.ResNet50, true)]
    public void Encoder_RunsInOnnxRuntime_MatchesNaiveReference_AndFoldingChangesNothing(ByolArchitecture architecture, bool smallStem)
    {
        var layout = new ResNetLayout(architecture, Width, smallStem);
        var net = CreateNetwork(layout, seed: 100 + (int)architecture);

        byte[] unfolded = ResNetOnnxBuilder.Build(layout, ImageSize, net.Get, foldBatchNorm: false);
        net.Requested.Should().BeEquivalentTo(net.StateDict.Keys, "the builder must read exactly torchvision's parameters");
        byte[] folded = ResNetOnnxBuilder.Build(layout, ImageSize, net.Get, foldBatchNorm: true);

        DumpForInspection($"{architecture}-{(smallStem ? "small" : "standard")}", unfolded, folded);
        CountOps(unfolded, "BatchNormalization").Should().Be(net.StateDict.Keys.Count(k => k.EndsWith(".running_var", StringComparison.Ordinal)));
        CountOps(folded, "BatchNormalization").Should().Be(0);

        foreach (int batch in new[] { 1, 3 })
        {
            var pixels = Tensor4.Random(new Random(batch), batch, 3, ImageSize, ImageSize);
            var (fromUnfolded, shapeU) = OrtRunner.Run(unfolded, ResNetOnnxBuilder.InputName, pixels.Data, pixels.Shape, optimise: false);
            var (fromFolded, shapeF) = OrtRunner.Run(folded, ResNetOnnxBuilder.InputName, pixels.Data, pixels.Shape);
            float[] reference = Compare.Flatten(net.Forward(pixels));

            shapeU.Should().Equal(batch, layout.EmbeddingSize);
            shapeF.Should().Equal(batch, layout.EmbeddingSize);
            double foldError = Compare.RelativeError(fromFolded, fromUnfolded);
            double referenceError = Compare.RelativeError(fromUnfolded, reference);
            output.WriteLine($"{architecture} smallStem={smallStem} batch={batch}: folded-vs-unfolded {foldError:E2}, ORT-vs-naive {referenceError:E2}, max |y| {reference.Max(Math.Abs):G4}");
            foldError.Should().BeLessThan(1e-5);
            referenceError.Should().BeLessThan(1e-5);
            reference.Should().Contain(v => v > 0, "a non-degenerate network gives non-zero embeddings");
        }
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void FullSizeResNet50_At224_RunsAndFoldingChangesNothing()
    {
        var layout = new ResNetLayout(ByolArchitecture.ResNet50, 1f, SmallImageStem: false);
        var net = RandomResNet.For(layout, seed: 50);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        byte[] unfolded = ResNetOnnxBuilder.Build(layout, 224, net.Get, foldBatchNorm: false);
        byte[] folded = ResNetOnnxBuilder.Build(layout, 224, net.Get, foldBatchNorm: true);
        output.WriteLine($"built two ResNet-50 models in {watch.ElapsedMilliseconds} ms: {unfolded.Length / 1e6:F1} MB unfolded, {folded.Length / 1e6:F1} MB folded");

        var pixels = Tensor4.Random(new Random(1), 2, 3, 224, 224);
        var (a, shape) = OrtRunner.Run(unfolded, ResNetOnnxBuilder.InputName, pixels.Data, pixels.Shape, optimise: false);
        var (b, _) = OrtRunner.Run(folded, ResNetOnnxBuilder.InputName, pixels.Data, pixels.Shape);
        output.WriteLine($"folded-vs-unfolded {Compare.RelativeError(b, a):E2}; total {watch.ElapsedMilliseconds} ms");

        shape.Should().Equal(2, 2048);
        folded.Length.Should().BeInRange(90_000_000, 100_000_000, "23.5 M convolution weights + biases as float32");
        Compare.RelativeError(b, a).Should().BeLessThan(1e-5);
    }

    [Theory]
    [InlineData(ByolArchitecture.ResNet18, 100)]   // 20 convolutions × (weight + 4 batch-norm tensors)
    [InlineData(ByolArchitecture.ResNet34, 180)]   // 36 convolutions
    [InlineData(ByolArchitecture.ResNet50, 265)]   // 53 convolutions
    [InlineData(ByolArchitecture.ResNet101, 520)]  // 104 convolutions
    [InlineData(ByolArchitecture.ResNet152, 775)]  // 155 convolutions
    public void Builder_ReadsExactlyTorchvisionStateDictNames(ByolArchitecture architecture, int expectedTensors)
    {
        var layout = new ResNetLayout(architecture, 0.0625f, SmallImageStem: false);
        var net = CreateNetwork(layout, seed: 1);
        net.StateDict.Should().HaveCount(expectedTensors);

        ResNetOnnxBuilder.Build(layout, 64, net.Get, foldBatchNorm: true);

        net.Requested.Should().BeEquivalentTo(net.StateDict.Keys);
        net.Requested.Should().Contain("layer2.0.downsample.0.weight").And.Contain("layer4.0.downsample.1.running_var");
        if (layout.Bottleneck)
        {
            net.Requested.Should().Contain("layer1.0.downsample.0.weight", "64 → 256 channels needs a projection");
        }
        else
        {
            net.Requested.Should().NotContain("layer1.0.downsample.0.weight", "stride 1 and 64 → 64 channels is an identity");
        }
    }

    [Fact]
    public void Builder_RejectsAWeightOfTheWrongShape_NamingIt()
    {
        var layout = new ResNetLayout(ByolArchitecture.ResNet18, Width, SmallImageStem: true);
        var net = CreateNetwork(layout, seed: 2);
        net.StateDict["layer3.1.conv2.weight"] = (new float[32 * 32 * 9], new long[] { 32, 32, 1, 9 });

        var act = () => ResNetOnnxBuilder.Build(layout, ImageSize, net.Get, foldBatchNorm: true);

        act.Should().Throw<ArgumentException>().WithMessage("*layer3.1.conv2.weight*[32, 32, 3, 3]*");
    }

    [Fact]
    public void Graph_HasNamedInputAndOutput_WithSymbolicBatch()
    {
        var layout = new ResNetLayout(ByolArchitecture.ResNet18, Width, SmallImageStem: false);
        var net = CreateNetwork(layout, seed: 3);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(ResNetOnnxBuilder.Build(layout, 48, net.Get, foldBatchNorm: true));

        var input = model.Graph.Input.Should().ContainSingle().Subject;
        input.Name.Should().Be("pixels");
        input.Type.TensorType.Shape.Dim.Select(d => d.DimParam + d.DimValue).Should().Equal("N0", "3", "48", "48");
        var graphOutput = model.Graph.Output.Should().ContainSingle().Subject;
        graphOutput.Name.Should().Be("embedding");
        graphOutput.Type.TensorType.Shape.Dim.Select(d => d.DimParam + d.DimValue).Should().Equal("N0", "64");
        model.Graph.Node.Take(2).Select(n => n.OpType).Should().Equal("Sub", "Mul");
        model.Graph.Node.Select(n => n.OpType).Should().Contain("MaxPool");
    }

    private static RandomResNet CreateNetwork(ResNetLayout layout, int seed) =>
        RandomResNet.For(layout, seed);

    /// <summary>Set BYOL_ONNX_DUMP_DIR to keep the generated models (e.g. for onnx.checker).</summary>
    private static void DumpForInspection(string name, byte[] unfolded, byte[] folded)
    {
        string? directory = Environment.GetEnvironmentVariable("BYOL_ONNX_DUMP_DIR");
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllBytes(Path.Combine(directory, $"{name}-unfolded.onnx"), unfolded);
            File.WriteAllBytes(Path.Combine(directory, $"{name}-folded.onnx"), folded);
        }
    }

    private static int CountOps(byte[] model, string opType) =>
        global::Onnx.ModelProto.Parser.ParseFrom(model).Graph.Node.Count(n => n.OpType == opType);
}
