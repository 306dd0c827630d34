using Onnx;

namespace Microsoft.ML.Byol.Import;

/// <summary>
/// A read-only index over an ONNX graph for walking it by topology: constant tensors (initializers and Constant
/// nodes) as float arrays, the consumers of every value, and attribute lookup. Node names are never relied on.
/// </summary>
internal sealed class OnnxGraphView
{
    private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _outputs;

    public OnnxGraphView(GraphProto graph, string source)
    {
        Source = source;
        foreach (var tensor in graph.Initializer)
            _constants[tensor.Name] = tensor;
        foreach (var node in graph.Node)
        {
            if (node.OpType == "Constant" && node.Output.Count == 1 && node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } value)
                _constants[node.Output[0]] = value;
            else if (node.OpType == "Identity" && node.Input.Count == 1 && _constants.TryGetValue(node.Input[0], out var aliased))
                _constants[node.Output[0]] = aliased; // PyTorch's exporter shares equal constants through Identity nodes
            foreach (string input in node.Input)
            {
                if (!_consumers.TryGetValue(input, out var list))
                    _consumers[input] = list = new List<NodeProto>();
                list.Add(node);
            }
        }

        var inputs = graph.Input.Where(i => !_constants.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
            throw Invalid($"the graph has {inputs.Count} non-constant inputs; an image encoder has exactly one");
        Input = inputs[0];
        _outputs = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
    }

    /// <summary>The file (or description of the bytes) the graph came from, for messages.</summary>
    public string Source { get; }

    /// <summary>The image input of the graph.</summary>
    public ValueInfoProto Input { get; }

    /// <summary>The input's static dimensions (null where symbolic).</summary>
    public long?[] InputDims => Input.Type?.TensorType?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : (long?)null).ToArray()
        ?? Array.Empty<long?>();

    public bool IsGraphOutput(string value) => _outputs.Contains(value);

    public bool IsConstant(string value) => _constants.ContainsKey(value);

    public IReadOnlyList<NodeProto> Consumers(string value) =>
        _consumers.TryGetValue(value, out var list) ? list : (IReadOnlyList<NodeProto>)Array.Empty<NodeProto>();

    /// <summary>The single node that consumes <paramref name="value"/>; throws when there are none or several.</summary>
    public NodeProto SingleConsumer(string value, string what)
    {
        var consumers = Consumers(value);
        if (consumers.Count != 1)
            throw Invalid($"{what} ('{value}') feeds {consumers.Count} nodes where a ResNet has exactly one");
        return consumers[0];
    }

    /// <summary>A constant tensor as float values and its dimensions.</summary>
    public (float[] Data, long[] Shape) Constant(string name)
    {
        if (!_constants.TryGetValue(name, out var tensor))
            throw Invalid($"'{name}' is not a constant tensor (weights must be initializers or Constant nodes)");
        long[] shape = tensor.Dims.ToArray();
        long count = shape.Aggregate(1L, (a, d) => a * d);
        float[] data = tensor.DataType switch
        {
            (int)TensorProto.Types.DataType.Float when tensor.RawData.Length > 0 => FromRaw(tensor, count, doublePrecision: false),
            (int)TensorProto.Types.DataType.Float => tensor.FloatData.ToArray(),
            (int)TensorProto.Types.DataType.Double when tensor.RawData.Length > 0 => FromRaw(tensor, count, doublePrecision: true),
            (int)TensorProto.Types.DataType.Double => tensor.DoubleData.Select(d => (float)d).ToArray(),
            _ => throw Invalid($"constant '{name}' has ONNX data type {tensor.DataType}; only float and double weights are read"),
        };
        if (data.Length != count)
            throw Invalid($"constant '{name}' has {data.Length} values for dimensions [{string.Join(", ", shape)}]");
        return (data, shape);
    }

    public static long[] Ints(NodeProto node, string name, long[] fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.Ints.ToArray() : fallback;

    public static long Int(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    public static float Float(NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

    public static string Text(NodeProto node, string name, string fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.S.ToStringUtf8() : fallback;

    public InvalidDataException Invalid(string why) =>
        new($"'{Source}' is not an ONNX ResNet encoder this library can import: {why}.");

    private float[] FromRaw(TensorProto tensor, long count, bool doublePrecision)
    {
        // ONNX raw_data is little-endian, as is every platform .NET runs this library on.
        var bytes = tensor.RawData.Span;
        int size = doublePrecision ? 8 : 4;
        if (bytes.Length != count * size)
            throw Invalid($"constant '{tensor.Name}' has {bytes.Length} bytes for {count} values");
        if (!doublePrecision)
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(bytes);
        var data = new float[values.Length];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)values[i];
        return data;
    }
}
