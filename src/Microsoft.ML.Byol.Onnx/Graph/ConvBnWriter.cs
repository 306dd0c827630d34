namespace Microsoft.ML.Byol.Graph;

/// <summary>
/// Writes one bias-free convolution followed by an inference-mode batch norm (and optionally ReLU), reading the
/// parameters by torchvision name, checking their shapes, and either folding the batch norm into the convolution
/// or writing it as a BatchNormalization node.
/// </summary>
internal sealed class ConvBnWriter(
    OnnxGraphWriter writer, Func<string, (float[] Data, long[] Shape)> weights, bool foldBatchNorm, double epsilon)
{
    public OnnxGraphWriter Writer => writer;

    public string ConvBn(string x, string conv, string bn, int inChannels, int outChannels, int kernel, int stride, int pad, bool relu)
    {
        float[] weight = Read($"{conv}.weight", outChannels, inChannels, kernel, kernel);
        float[] gamma = Read($"{bn}.weight", outChannels);
        float[] beta = Read($"{bn}.bias", outChannels);
        float[] mean = Read($"{bn}.running_mean", outChannels);
        float[] variance = Read($"{bn}.running_var", outChannels);
        long[] weightShape = { outChannels, inChannels, kernel, kernel };
        long[] channelShape = { outChannels };

        string y;
        if (foldBatchNorm)
        {
            var (foldedWeight, foldedBias) = BatchNormFolding.Fold(weight, null, gamma, beta, mean, variance, epsilon);
            string w = writer.AddInitializer($"{conv}.weight", foldedWeight, weightShape);
            string b = writer.AddInitializer($"{conv}.bias", foldedBias, channelShape);
            y = writer.Conv(x, w, b, kernel, stride, pad, name: conv);
        }
        else
        {
            string w = writer.AddInitializer($"{conv}.weight", weight, weightShape);
            y = writer.Conv(x, w, null, kernel, stride, pad, name: conv);
            y = writer.BatchNormalization(
                y,
                writer.AddInitializer($"{bn}.weight", gamma, channelShape),
                writer.AddInitializer($"{bn}.bias", beta, channelShape),
                writer.AddInitializer($"{bn}.running_mean", mean, channelShape),
                writer.AddInitializer($"{bn}.running_var", variance, channelShape),
                (float)epsilon,
                name: bn);
        }

        return relu ? writer.Relu(y, $"{bn}.relu") : y;
    }

    private float[] Read(string name, params long[] expectedShape)
    {
        (float[] data, long[] shape) = weights(name);
        if (data is null || shape is null || !shape.SequenceEqual(expectedShape) || data.Length != expectedShape.Aggregate(1L, (a, d) => a * d))
        {
            throw new ArgumentException(
                $"Parameter '{name}' has shape [{(shape is null ? "null" : string.Join(", ", shape))}] and {data?.Length ?? 0} values; " +
                $"the layout expects [{string.Join(", ", expectedShape)}].", nameof(weights));
        }

        return data;
    }
}
