using Microsoft.ML.Byol.Input;

namespace Microsoft.ML.Byol.Graph;

/// <summary>
/// Writes the eval-mode ResNet v1 encoder of a <see cref="ResNetLayout"/> as ONNX: input <c>pixels</c>
/// float [N, 3, H, W] RGB in [0, 1] → ImageNet normalisation (Sub, Mul) → stem → four stages of residual blocks →
/// global average pool → output <c>embedding</c> float [N, D]. Weights are read by torchvision state_dict name;
/// convolutions have no bias; batch norms use ε = 1e-5 and are folded into the convolutions when asked.
/// </summary>
internal static class ResNetOnnxBuilder
{
    public const string InputName = "pixels";
    public const string OutputName = "embedding";
    public const double BatchNormEpsilon = 1e-5;

    /// <summary>Builds the encoder and returns the writer (metadata included), so the caller may add more.</summary>
    public static OnnxGraphWriter CreateWriter(
        ResNetLayout layout, int imageSize, Func<string, (float[] Data, long[] Shape)> weights, bool foldBatchNorm,
        IReadOnlyDictionary<string, string>? trainingSummary = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSize, 1);

        var writer = new OnnxGraphWriter("byol_resnet_encoder");
        var layers = new ConvBnWriter(writer, weights, foldBatchNorm, BatchNormEpsilon);

        string x = writer.AddInput(InputName, 3, imageSize, imageSize);
        x = Normalise(writer, x);
        x = Stem(layers, layout, x);

        foreach (var block in layout.Blocks)
        {
            x = Block(layers, block, x);
        }

        x = writer.GlobalAveragePool(x, "avgpool");
        string embedding = writer.Flatten(x, 1, OutputName);
        if (embedding != OutputName)
        {
            throw new InvalidOperationException($"The output tensor was named '{embedding}' instead of '{OutputName}'.");
        }

        writer.AddOutput(embedding, layout.EmbeddingSize);
        ByolEncoderInfo.ForResNet(layout, imageSize, InputName, OutputName, trainingSummary).WriteTo(writer);
        return writer;
    }

    /// <summary>Builds the encoder and returns the ONNX bytes.</summary>
    public static byte[] Build(
        ResNetLayout layout, int imageSize, Func<string, (float[] Data, long[] Shape)> weights, bool foldBatchNorm,
        IReadOnlyDictionary<string, string>? trainingSummary = null) =>
        CreateWriter(layout, imageSize, weights, foldBatchNorm, trainingSummary).ToBytes();

    private static string Normalise(OnnxGraphWriter writer, string pixels)
    {
        long[] shape = { 1, 3, 1, 1 };
        float[] mean = ImageNetNormalization.Mean.ToArray();
        float[] inverseStd = ImageNetNormalization.Std.Select(s => (float)(1.0 / s)).ToArray();
        string centred = writer.Sub(pixels, writer.AddInitializer("normalize.mean", mean, shape), "normalize_sub");
        return writer.Mul(centred, writer.AddInitializer("normalize.inv_std", inverseStd, shape), "normalize_mul");
    }

    private static string Stem(ConvBnWriter layers, ResNetLayout layout, string x)
    {
        x = ConvBn(layers, x, "conv1", "bn1", layout.StemConvolution, relu: true);
        return layout.StemPool is { } pool ? layers.Writer.MaxPool(x, pool.Kernel, pool.Stride, pool.Padding, name: "maxpool") : x;
    }

    /// <summary>One residual block: the main branch (ReLU after every convolution but the last), the shortcut, Add, ReLU.</summary>
    private static string Block(ConvBnWriter layers, ResNetBlock block, string x)
    {
        string prefix = block.Prefix;
        var main = block.MainBranch;
        string y = x;
        for (int i = 0; i < main.Count; i++)
        {
            y = ConvBn(layers, y, $"{prefix}.conv{i + 1}", $"{prefix}.bn{i + 1}", main[i], relu: i < main.Count - 1);
        }

        string shortcut = block.Shortcut is { } projection
            ? ConvBn(layers, x, $"{prefix}.downsample.0", $"{prefix}.downsample.1", projection, relu: false)
            : x;
        string sum = layers.Writer.Add(y, shortcut, $"{prefix}.add");
        return layers.Writer.Relu(sum, $"{prefix}.relu");
    }

    private static string ConvBn(ConvBnWriter layers, string x, string conv, string bn, ResNetBlock.Convolution c, bool relu) =>
        layers.ConvBn(x, conv, bn, c.InChannels, c.OutChannels, c.Kernel, c.Stride, c.Padding, relu);
}
