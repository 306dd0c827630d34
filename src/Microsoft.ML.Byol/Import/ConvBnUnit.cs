using Onnx;

namespace Microsoft.ML.Byol.Import;

/// <summary>
/// One bias-free convolution and the inference-mode batch norm after it, as this library's ResNet holds them
/// (BatchNorm ε = 1e-5), read from an ONNX Conv node and the BatchNormalization that follows it if any:
/// a Conv with bias and no BatchNormalization (a folded export) becomes γ = 1, β = bias, mean = 0, var = 1 − ε;
/// a Conv bias before a BatchNormalization moves into its mean; another ε is moved into the variance.
/// Either way the unit computes exactly the eval-mode function of the file.
/// </summary>
internal sealed record ConvBnUnit(
    float[] Weight, long[] WeightShape, int Stride, long[] Pads,
    float[] Gamma, float[] Beta, float[] RunningMean, float[] RunningVar, string Output)
{
    public const double Epsilon = 1e-5;

    public int OutChannels => (int)WeightShape[0];

    public int InChannels => (int)WeightShape[1];

    public int Kernel => (int)WeightShape[2];

    /// <summary>Reads the Conv node and, if its only consumer is one, the BatchNormalization after it.</summary>
    public static ConvBnUnit Read(OnnxGraphView graph, NodeProto conv)
    {
        if (conv.OpType != "Conv")
            throw graph.Invalid($"expected a Conv node, found {conv.OpType}");
        var (weight, shape) = graph.Constant(conv.Input[1]);
        if (shape.Length != 4 || shape[2] != shape[3])
            throw graph.Invalid($"convolution weight '{conv.Input[1]}' has shape [{string.Join(", ", shape)}], not a square 2-D kernel");
        if (OnnxGraphView.Int(conv, "group", 1) != 1 || OnnxGraphView.Ints(conv, "dilations", new long[] { 1, 1 }).Any(d => d != 1))
            throw graph.Invalid($"convolution '{conv.Input[1]}' is grouped or dilated, which a ResNet v1 is not");
        string autoPad = OnnxGraphView.Text(conv, "auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or ""))
            throw graph.Invalid($"convolution '{conv.Input[1]}' uses auto_pad {autoPad}; explicit pads are expected");
        long[] strides = OnnxGraphView.Ints(conv, "strides", new long[] { 1, 1 });
        if (strides.Length != 2 || strides[0] != strides[1])
            throw graph.Invalid($"convolution '{conv.Input[1]}' has strides [{string.Join(", ", strides)}]");
        long[] pads = OnnxGraphView.Ints(conv, "pads", new long[] { 0, 0, 0, 0 });
        int channels = (int)shape[0];
        float[]? bias = conv.Input.Count > 2 && conv.Input[2].Length > 0 ? Vector(graph, conv.Input[2], channels) : null;

        var consumers = graph.Consumers(conv.Output[0]);
        if (consumers.Count == 1 && consumers[0].OpType == "BatchNormalization")
        {
            var bn = consumers[0];
            float[] gamma = Vector(graph, bn.Input[1], channels);
            float[] beta = Vector(graph, bn.Input[2], channels);
            float[] mean = Vector(graph, bn.Input[3], channels);
            float[] variance = Vector(graph, bn.Input[4], channels);
            double epsilon = OnnxGraphView.Float(bn, "epsilon", 1e-5f);
            var adjustedMean = new float[channels];
            var adjustedVar = new float[channels];
            for (int c = 0; c < channels; c++)
            {
                adjustedMean[c] = (float)(mean[c] - (bias?[c] ?? 0.0));
                adjustedVar[c] = (float)(variance[c] + epsilon - Epsilon);
            }

            return new ConvBnUnit(weight, shape, (int)strides[0], pads, gamma, beta, adjustedMean, adjustedVar, bn.Output[0]);
        }

        return new ConvBnUnit(weight, shape, (int)strides[0], pads,
            Enumerable.Repeat(1f, channels).ToArray(), bias ?? new float[channels], new float[channels],
            Enumerable.Repeat((float)(1.0 - Epsilon), channels).ToArray(), conv.Output[0]);
    }

    /// <summary>
    /// Checks kernel, stride and padding against what this library's ResNet uses. Pads may be symmetric (k/2 on
    /// every side), or — with stride 2, as CNTK writes them — one less at the end, which computes the same output
    /// at even input sizes (the extra trailing row and column are never reached).
    /// </summary>
    public void Require(OnnxGraphView graph, string role, int kernel, int stride, int inChannels)
    {
        if (Kernel != kernel || Stride != stride || InChannels != inChannels)
        {
            throw graph.Invalid(
                $"{role} is a {Kernel}×{Kernel} stride-{Stride} convolution from {InChannels} channels; " +
                $"a ResNet v1 has {kernel}×{kernel} stride {stride} from {inChannels} channels there");
        }

        int pad = kernel / 2;
        bool ok = Pads.Length == 4 && Pads[0] == pad && Pads[1] == pad
            && Pads[2] <= pad && Pads[3] <= pad && Pads[2] >= pad - (stride - 1) && Pads[3] >= pad - (stride - 1);
        if (!ok)
            throw graph.Invalid($"{role} has pads [{string.Join(", ", Pads)}]; expected {pad} on every side");
    }

    private static float[] Vector(OnnxGraphView graph, string name, int channels)
    {
        var (data, _) = graph.Constant(name);
        if (data.Length != channels)
            throw graph.Invalid($"'{name}' has {data.Length} values for {channels} channels");
        return data;
    }
}
