using Microsoft.ML.Byol.Graph;
using Microsoft.ML.Byol.Onnx.Tests.Support;

namespace Microsoft.ML.Byol.Onnx.Tests;

public class OnnxGraphWriterTests
{
    private static readonly float[] Gamma = { 1.3f, 0.7f, 1.1f };
    private static readonly float[] Beta = { 0.1f, -0.2f, 0.05f };
    private static readonly float[] RunningMean = { 0.2f, -0.1f, 0.3f };
    private static readonly float[] RunningVar = { 0.5f, 1.5f, 0.9f };

    [Theory]
    [InlineData(1, true)]
    [InlineData(4, true)]
    [InlineData(2, false)]
    public void TinyConvBnReluPoolGraph_MatchesNaiveReference(int batch, bool optimise)
    {
        var random = new Random(7);
        float[] weight = Tensor4.Random(random, 3, 2, 3, 3, -1f, 1f).Data;
        float[] mean = { 0.4f, 0.6f };
        float[] std = { 0.25f, 0.5f };

        var writer = new OnnxGraphWriter();
        string x = writer.AddInput("x", 2, 9, 9);
        x = writer.Sub(x, writer.AddInitializer("mean", mean, new long[] { 1, 2, 1, 1 }));
        x = writer.Mul(x, writer.AddInitializer("inv_std", std.Select(s => 1f / s).ToArray(), new long[] { 1, 2, 1, 1 }));
        x = writer.Conv(x, writer.AddInitializer("w", weight, new long[] { 3, 2, 3, 3 }), null, kernel: 3, stride: 2, pad: 1);
        x = writer.BatchNormalization(x,
            writer.AddInitializer("g", Gamma, new long[] { 3 }), writer.AddInitializer("b", Beta, new long[] { 3 }),
            writer.AddInitializer("m", RunningMean, new long[] { 3 }), writer.AddInitializer("v", RunningVar, new long[] { 3 }), 1e-5f);
        x = writer.Relu(x);
        x = writer.MaxPool(x, kernel: 3, stride: 2, pad: 1);
        x = writer.GlobalAveragePool(x);
        x = writer.Flatten(x, name: "y");
        writer.AddOutput(x, 3);

        var input = Tensor4.Random(random, batch, 2, 9, 9);
        var (actual, shape) = OrtRunner.Run(writer.ToBytes(), "x", input.Data, input.Shape, optimise);

        var r = NaiveOps.Normalise(input, mean, std);
        r = NaiveOps.Conv(r, weight, null, 3, 3, 2, 1);
        r = NaiveOps.Relu(NaiveOps.BatchNorm(r, Gamma, Beta, RunningMean, RunningVar, 1e-5));
        r = NaiveOps.MaxPool(r, 3, 2, 1);
        float[] expected = Compare.Flatten(NaiveOps.GlobalAveragePool(r));

        shape.Should().Equal(batch, 3);
        Compare.RelativeError(actual, expected).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void ResidualAdd_MatchesNaiveReference()
    {
        var random = new Random(11);
        float[] w1 = Tensor4.Random(random, 4, 4, 1, 1, -1f, 1f).Data;

        var writer = new OnnxGraphWriter();
        string x = writer.AddInput("x", 4, 3, 3);
        string y = writer.Conv(x, writer.AddInitializer("w1", w1, new long[] { 4, 4, 1, 1 }), null, kernel: 1);
        y = writer.Relu(writer.Add(y, x));
        y = writer.Flatten(writer.GlobalAveragePool(y));
        writer.AddOutput(y, 4);

        var input = Tensor4.Random(random, 2, 4, 3, 3, -1f, 1f);
        var (actual, shape) = OrtRunner.Run(writer.ToBytes(), "x", input.Data, input.Shape);

        float[] expected = Compare.Flatten(NaiveOps.GlobalAveragePool(NaiveOps.Relu(NaiveOps.Add(NaiveOps.Conv(input, w1, null, 4, 1, 1, 0), input))));
        shape.Should().Equal(2, 4);
        Compare.RelativeError(actual, expected).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Model_HasVersionsProducerSymbolicBatchAndMetadata()
    {
        var writer = new OnnxGraphWriter();
        string x = writer.AddInput("x", 3, 4, 4);
        writer.AddOutput(writer.Flatten(writer.GlobalAveragePool(x)), 3);
        writer.SetMetadata("k", "v1");
        writer.SetMetadata("k", "v2");
        writer.SetMetadata("other", "o");

        var model = global::Onnx.ModelProto.Parser.ParseFrom(writer.ToBytes());

        model.IrVersion.Should().Be(8);
        model.OpsetImport.Should().ContainSingle().Which.Version.Should().Be(17);
        model.OpsetImport[0].Domain.Should().BeEmpty();
        model.ProducerName.Should().Be("Microsoft.ML.Byol");
        var inputDims = model.Graph.Input.Single().Type.TensorType.Shape.Dim;
        inputDims[0].DimParam.Should().Be("N");
        inputDims.Skip(1).Select(d => d.DimValue).Should().Equal(3, 4, 4);
        var outputDims = model.Graph.Output.Single().Type.TensorType.Shape.Dim;
        outputDims[0].DimParam.Should().Be("N");
        outputDims[1].DimValue.Should().Be(3);
        model.MetadataProps.Select(p => (p.Key, p.Value)).Should().Equal(("k", "v2"), ("other", "o"));

        using var stream = new MemoryStream();
        writer.WriteTo(stream);
        stream.ToArray().Should().Equal(writer.ToBytes());
    }

    [Fact]
    public void Names_AreUniqueEvenWhenHintsRepeat()
    {
        var writer = new OnnxGraphWriter();
        string x = writer.AddInput("x", 2);
        string a = writer.AddInitializer("p", new[] { 1f, 2f }, new long[] { 2 });
        string b = writer.AddInitializer("p", new[] { 3f, 4f }, new long[] { 2 });
        string r1 = writer.Relu(writer.Add(x, a), "act");
        string r2 = writer.Relu(writer.Add(r1, b), "act");
        string r3 = writer.Relu(r2, "p");
        writer.AddOutput(r3, 2);

        var model = writer.ToModel();
        new[] { a, b }.Should().OnlyHaveUniqueItems();
        new[] { r1, r2, r3, a, b, x }.Should().OnlyHaveUniqueItems();
        model.Graph.Node.Select(n => n.Name).Should().OnlyHaveUniqueItems();
        model.Graph.Node.SelectMany(n => n.Output).Concat(model.Graph.Initializer.Select(i => i.Name))
            .Should().OnlyHaveUniqueItems();

        var (y, _) = OrtRunner.Run(writer.ToBytes(), "x", new[] { -5f, 1f }, new long[] { 1, 2 });
        y.Should().Equal(3f, 7f);
    }

    [Fact]
    public void UnknownTensorsAndWrongInitializerSizes_AreRejected()
    {
        var writer = new OnnxGraphWriter();
        writer.AddInput("x", 2);
        writer.Invoking(w => w.Relu("nope")).Should().Throw<InvalidOperationException>().WithMessage("*'nope'*");
        writer.Invoking(w => w.AddInitializer("w", new float[5], new long[] { 2, 3 })).Should().Throw<ArgumentException>();
        writer.Invoking(w => w.AddInput("x", 2)).Should().Throw<InvalidOperationException>();
        writer.Invoking(w => w.AddOutput("nope", 2)).Should().Throw<InvalidOperationException>();
        writer.Invoking(w => w.ToModel()).Should().Throw<InvalidOperationException>().WithMessage("*no output*");
    }
}
