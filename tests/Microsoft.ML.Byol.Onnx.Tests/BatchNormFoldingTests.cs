using Microsoft.ML.Byol.Graph;
using Microsoft.ML.Byol.Onnx.Tests.Support;

namespace Microsoft.ML.Byol.Onnx.Tests;

public class BatchNormFoldingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FoldedConvolution_EqualsConvolutionThenBatchNorm(bool withConvBias)
    {
        var random = new Random(3);
        const int outChannels = 5;
        var input = Tensor4.Random(random, 2, 3, 6, 6, -1f, 1f);
        float[] weight = Tensor4.Random(random, outChannels, 3, 3, 3, -0.5f, 0.5f).Data;
        float[]? convBias = withConvBias ? Tensor4.Random(random, 1, 1, 1, outChannels, -1f, 1f).Data : null;
        float[] gamma = Tensor4.Random(random, 1, 1, 1, outChannels, 0.2f, 2f).Data;
        float[] beta = Tensor4.Random(random, 1, 1, 1, outChannels, -1f, 1f).Data;
        float[] mean = Tensor4.Random(random, 1, 1, 1, outChannels, -0.5f, 0.5f).Data;
        float[] variance = Tensor4.Random(random, 1, 1, 1, outChannels, 0.01f, 3f).Data;

        var (foldedWeight, foldedBias) = BatchNormFolding.Fold(weight, convBias, gamma, beta, mean, variance, 1e-5);

        var expected = NaiveOps.BatchNorm(NaiveOps.Conv(input, weight, convBias, outChannels, 3, 1, 1), gamma, beta, mean, variance, 1e-5);
        var actual = NaiveOps.Conv(input, foldedWeight, foldedBias, outChannels, 3, 1, 1);
        Compare.RelativeError(actual.Data, expected.Data).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Fold_ScalesEachOutputChannelByGammaOverSigma()
    {
        // Two output channels, two weights each; var + eps = 4 → σ = 2.
        var (w, b) = BatchNormFolding.Fold(
            new[] { 1f, 2f, 3f, 4f }, null,
            gamma: new[] { 2f, 1f }, beta: new[] { 0.5f, -1f }, runningMean: new[] { 1f, -2f }, runningVar: new[] { 4f, 4f }, epsilon: 0);

        w.Should().Equal(1f, 2f, 1.5f, 2f);
        b.Should().Equal(0.5f - 1f, -1f + 1f);
    }

    [Fact]
    public void Fold_RejectsInconsistentChannelCounts()
    {
        var act = () => BatchNormFolding.Fold(new float[6], null, new float[2], new float[2], new float[3], new float[2], 1e-5);
        act.Should().Throw<ArgumentException>();
        var act2 = () => BatchNormFolding.Fold(new float[7], null, new float[2], new float[2], new float[2], new float[2], 1e-5);
        act2.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void FoldedGraph_EqualsUnfoldedGraph_InOnnxRuntime()
    {
        var random = new Random(5);
        float[] weight = Tensor4.Random(random, 4, 3, 3, 3, -0.5f, 0.5f).Data;
        float[] gamma = { 0.5f, 1.5f, 1f, 2f }, beta = { 0.1f, -0.3f, 0.2f, 0f };
        float[] mean = { 0.3f, -0.2f, 0.1f, 0.05f }, variance = { 0.2f, 2f, 0.7f, 1.1f };
        var input = Tensor4.Random(random, 3, 3, 8, 8);

        var unfolded = new OnnxGraphWriter();
        string x = unfolded.AddInput("x", 3, 8, 8);
        x = unfolded.Conv(x, unfolded.AddInitializer("w", weight, new long[] { 4, 3, 3, 3 }), null, 3, 2, 1);
        x = unfolded.BatchNormalization(x,
            unfolded.AddInitializer("g", gamma, new long[] { 4 }), unfolded.AddInitializer("b", beta, new long[] { 4 }),
            unfolded.AddInitializer("m", mean, new long[] { 4 }), unfolded.AddInitializer("v", variance, new long[] { 4 }), 1e-5f);
        unfolded.AddOutput(x, 4, 4, 4);

        var (fw, fb) = BatchNormFolding.Fold(weight, null, gamma, beta, mean, variance, 1e-5);
        var folded = new OnnxGraphWriter();
        string y = folded.AddInput("x", 3, 8, 8);
        y = folded.Conv(y, folded.AddInitializer("w", fw, new long[] { 4, 3, 3, 3 }), folded.AddInitializer("b", fb, new long[] { 4 }), 3, 2, 1);
        folded.AddOutput(y, 4, 4, 4);

        var (a, shapeA) = OrtRunner.Run(unfolded.ToBytes(), "x", input.Data, input.Shape, optimise: false);
        var (b, shapeB) = OrtRunner.Run(folded.ToBytes(), "x", input.Data, input.Shape);
        shapeA.Should().Equal(3, 4, 4, 4);
        shapeB.Should().Equal(shapeA);
        Compare.RelativeError(b, a).Should().BeLessThan(1e-5);
    }
}
