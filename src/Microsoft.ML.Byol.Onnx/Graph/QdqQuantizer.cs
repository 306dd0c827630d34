using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Microsoft.ML.Byol.Graph;

/// <summary>
/// Turns a float32 encoder into a QDQ graph ONNX Runtime fuses into integer kernels. Quantised nodes are Conv (weights
/// an initializer: int8 per output channel, axis 0; bias int32), Add of two activations and MaxPool. Every activation
/// a quantised node reads or writes gets one QuantizeLinear (uint8, per tensor, from its calibrated range) and one
/// DequantizeLinear per reader, so each node sits in its own DQ → op → Q group (the pattern QLinearConv, QLinearAdd
/// and the uint8 MaxPool are fused from). A ReLU that is the only reader of a quantised Conv or Add is removed: the
/// Conv/Add writes the ReLU's tensor, whose range starts at 0, so its zero point is 0 and QuantizeLinear's clamp does
/// the ReLU (what ONNX Runtime's own quantiser and its ReluQuantFusion do). MaxPool keeps its input's scale. Other
/// nodes (the normalisation, the global pool, Flatten) stay float32 and read dequantised values.
/// </summary>
internal sealed class QdqQuantizer
{
    private const string Prefix = "byol_qdq";

    private readonly ModelProto _model;
    private readonly HashSet<string> _initializers;
    private readonly HashSet<NodeProto> _quantised = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<int> _quantisedConvs = new();
    private readonly List<string> _tensors = new();
    private readonly Dictionary<string, string> _sameScaleAs = new(StringComparer.Ordinal);

    private QdqQuantizer(ModelProto model)
    {
        _model = model;
        var graph = model.Graph;
        _initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(IsQuantisable))
        {
            _quantised.Add(node);
        }

        FuseRelus();
        for (int i = 0; i < graph.Node.Count; i++)
        {
            if (graph.Node[i].OpType == "Conv" && _quantised.Contains(graph.Node[i]))
            {
                _quantisedConvs.Add(i); // by position: Quantize works on a copy of the model
            }
        }

        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(_quantised.Contains))
        {
            foreach (string tensor in node.Input.Where(IsActivation).Concat(node.Output.Where(o => !outputs.Contains(o))))
            {
                if (seen.Add(tensor))
                {
                    _tensors.Add(tensor);
                }
            }

            if (node.OpType == "MaxPool" && !outputs.Contains(node.Output[0]))
            {
                _sameScaleAs[node.Output[0]] = node.Input[0]; // the fused uint8 MaxPool needs equal input and output scales
            }
        }
    }

    /// <summary>The tensors whose ranges <see cref="Quantize"/> needs (names of the float model, measured on it).</summary>
    public IReadOnlyList<string> CalibratedTensors => _tensors.Where(t => !_sameScaleAs.ContainsKey(t)).ToList();

    /// <summary>Parses the float32 encoder and plans its quantisation (ReLUs fused, quantised tensors chosen).</summary>
    public static QdqQuantizer For(byte[] floatEncoder)
    {
        ArgumentNullException.ThrowIfNull(floatEncoder);
        var model = ModelProto.Parser.ParseFrom(floatEncoder);
        if (model.Graph.Node.Any(n => n.OpType is "QuantizeLinear" or "DequantizeLinear"))
        {
            throw new InvalidDataException("The encoder is already quantised.");
        }

        return new QdqQuantizer(model);
    }

    /// <summary>The QDQ model, with activation scales from <paramref name="ranges"/> (one per <see cref="CalibratedTensors"/>).</summary>
    public byte[] Quantize(IReadOnlyDictionary<string, ActivationRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var model = _model.Clone();
        var graph = model.Graph;
        var used = OnnxModelEdits.TensorNames(graph);
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var parameters = new Dictionary<string, (string Scale, string ZeroPoint, float ScaleValue)>(StringComparer.Ordinal);
        foreach (string tensor in _tensors)
        {
            string source = tensor;
            while (_sameScaleAs.TryGetValue(source, out string? earlier))
            {
                source = earlier;
            }

            if (!ranges.TryGetValue(source, out var range))
            {
                throw new ArgumentException($"No calibrated range for tensor '{source}'.", nameof(ranges));
            }

            var (scale, zeroPoint) = range.ToUInt8();
            string scaleName = OnnxModelEdits.Unique(used, $"{Prefix}.{tensor}.scale");
            string zeroName = OnnxModelEdits.Unique(used, $"{Prefix}.{tensor}.zero_point");
            graph.Initializer.Add(OnnxModelEdits.Tensor(scaleName, DataType.Float, BitConverter.GetBytes(scale)));
            graph.Initializer.Add(OnnxModelEdits.Tensor(zeroName, DataType.Uint8, new[] { zeroPoint }));
            parameters[tensor] = (scaleName, zeroName, scale);
        }

        var nodes = new List<NodeProto>();
        foreach (string input in graph.Input.Select(i => i.Name).Where(parameters.ContainsKey))
        {
            nodes.Add(Quantise(input, parameters[input], used));
        }

        for (int n = 0; n < graph.Node.Count; n++)
        {
            var node = graph.Node[n];
            var convInput = _quantisedConvs.Contains(n) ? parameters[node.Input[0]] : default;
            for (int i = 0; i < node.Input.Count; i++)
            {
                string tensor = node.Input[i];
                if (parameters.TryGetValue(tensor, out var p))
                {
                    string dequantised = OnnxModelEdits.Unique(used, $"{Prefix}.{tensor}.dq");
                    nodes.Add(OnnxModelEdits.Node("DequantizeLinear", dequantised, new[] { QuantisedName(tensor), p.Scale, p.ZeroPoint }, dequantised));
                    node.Input[i] = dequantised;
                }
            }

            if (_quantisedConvs.Contains(n))
            {
                nodes.AddRange(QuantiseConvParameters(node, convInput, initializers, graph, used));
            }

            nodes.Add(node);
            foreach (string output in node.Output.Where(parameters.ContainsKey))
            {
                nodes.Add(Quantise(output, parameters[output], used));
            }
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        graph.ValueInfo.Clear();
        RemoveUnused(graph);
        OnnxModelEdits.SetPrecision(model, ByolOnnxPrecision.Int8);
        return model.ToByteArray();
    }

    private static string QuantisedName(string tensor) => $"{Prefix}.{tensor}.q";

    private static NodeProto Quantise(string tensor, (string Scale, string ZeroPoint, float _) p, HashSet<string> used)
    {
        string output = QuantisedName(tensor);
        if (!used.Add(output))
        {
            throw new InvalidDataException($"The encoder already has a tensor named '{output}'.");
        }

        return OnnxModelEdits.Node("QuantizeLinear", output, new[] { tensor, p.Scale, p.ZeroPoint }, output);
    }

    /// <summary>Replaces the Conv's weight (and bias) by int8 (int32) initializers read through per-channel DequantizeLinear nodes.</summary>
    private static IEnumerable<NodeProto> QuantiseConvParameters(
        NodeProto conv, (string Scale, string ZeroPoint, float ScaleValue) input, Dictionary<string, TensorProto> initializers, GraphProto graph, HashSet<string> used)
    {
        var weight = initializers[conv.Input[1]];
        int channels = checked((int)weight.Dims[0]);
        var (values, scales) = ChannelQuantization.Weights(OnnxModelEdits.Floats(weight), channels);
        string wq = OnnxModelEdits.Unique(used, $"{Prefix}.{weight.Name}.int8");
        graph.Initializer.Add(OnnxModelEdits.Tensor(wq, DataType.Int8, MemoryMarshal.AsBytes(values.AsSpan()), weight.Dims.ToArray()));
        var dq = new List<NodeProto> { PerChannelDequantize(wq, scales, new byte[channels], DataType.Int8, conv, 1, graph, used) };
        if (conv.Input.Count > 2 && !string.IsNullOrEmpty(conv.Input[2]))
        {
            var bias = initializers[conv.Input[2]];
            var (biasValues, biasScales) = ChannelQuantization.Bias(OnnxModelEdits.Floats(bias), input.ScaleValue, scales);
            string bq = OnnxModelEdits.Unique(used, $"{Prefix}.{bias.Name}.int32");
            graph.Initializer.Add(OnnxModelEdits.Tensor(bq, DataType.Int32, MemoryMarshal.AsBytes(biasValues.AsSpan()), channels));
            dq.Add(PerChannelDequantize(bq, biasScales, new byte[channels * sizeof(int)], DataType.Int32, conv, 2, graph, used));
        }

        return dq;
    }

    private static NodeProto PerChannelDequantize(
        string quantised, float[] scales, byte[] zeroPoints, DataType type, NodeProto conv, int inputIndex, GraphProto graph, HashSet<string> used)
    {
        string scale = OnnxModelEdits.Unique(used, $"{quantised}.scale");
        string zero = OnnxModelEdits.Unique(used, $"{quantised}.zero_point");
        graph.Initializer.Add(OnnxModelEdits.Tensor(scale, DataType.Float, MemoryMarshal.AsBytes(scales.AsSpan()), scales.Length));
        graph.Initializer.Add(OnnxModelEdits.Tensor(zero, type, zeroPoints, scales.Length));
        string output = OnnxModelEdits.Unique(used, $"{quantised}.dq");
        conv.Input[inputIndex] = output;
        return OnnxModelEdits.Node("DequantizeLinear", output, new[] { quantised, scale, zero }, output, OnnxAttributes.Int("axis", 0));
    }

    private bool IsActivation(string tensor) => !string.IsNullOrEmpty(tensor) && !_initializers.Contains(tensor);

    private bool IsQuantisable(NodeProto node) => node.OpType switch
    {
        "Conv" => node.Input.Count >= 2 && IsActivation(node.Input[0]) && _initializers.Contains(node.Input[1])
            && (node.Input.Count < 3 || string.IsNullOrEmpty(node.Input[2]) || _initializers.Contains(node.Input[2])),
        "Add" => node.Input.Count == 2 && node.Input.All(IsActivation),
        "MaxPool" => node.Output.Count == 1,
        _ => false,
    };

    /// <summary>Removes each ReLU that alone reads a quantised Conv or Add; that node then writes the ReLU's output.</summary>
    private void FuseRelus()
    {
        var graph = _model.Graph;
        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var readers = graph.Node.SelectMany(n => n.Input).GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (string output in node.Output)
            {
                producers[output] = node;
            }
        }

        foreach (var relu in graph.Node.Where(n => n.OpType == "Relu").ToList())
        {
            string x = relu.Input[0];
            if (producers.TryGetValue(x, out var producer) && _quantised.Contains(producer) && producer.OpType is "Conv" or "Add"
                && readers[x] == 1 && !outputs.Contains(x))
            {
                producer.Output[0] = relu.Output[0];
                graph.Node.Remove(relu);
            }
        }
    }

    private static void RemoveUnused(GraphProto graph)
    {
        var read = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in graph.Initializer.Where(t => !read.Contains(t.Name)).ToList())
        {
            graph.Initializer.Remove(tensor);
        }
    }
}
