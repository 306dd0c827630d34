using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Microsoft.ML.Byol.Graph;

/// <summary>
/// A small builder over the ONNX protobuf types: float inputs with a symbolic batch dimension, float initializers,
/// the handful of operators a ResNet encoder needs, outputs and metadata. Every node and tensor gets a unique name;
/// every node input must name a tensor that already exists, so a wiring mistake fails here and not in a runtime.
/// </summary>
internal sealed class OnnxGraphWriter
{
    /// <summary>ONNX IR version written (ONNX 1.12; read by ONNX Runtime 1.31 and by onnx 1.12's checker).</summary>
    public const long IrVersion = 8;

    /// <summary>Default-domain operator set version written.</summary>
    public const long OpsetVersion = 17;

    /// <summary>The <c>producer_name</c> of every model written.</summary>
    public const string ProducerName = "Microsoft.ML.Byol";

    /// <summary>Name of the symbolic batch dimension of inputs and outputs.</summary>
    public const string BatchDimension = "N";

    private readonly GraphProto _graph;
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, string>> _metadata = new();

    public OnnxGraphWriter(string graphName = "byol_encoder")
    {
        if (string.IsNullOrWhiteSpace(graphName))
        {
            throw new ArgumentException("A graph name is required.", nameof(graphName));
        }

        _graph = new GraphProto { Name = graphName };
    }

    /// <summary>Adds a float graph input of shape [N, <paramref name="dimsAfterBatch"/>...]; returns its name.</summary>
    public string AddInput(string name, params long[] dimsAfterBatch)
    {
        DefineTensor(name);
        _graph.Input.Add(FloatValueInfo(name, dimsAfterBatch));
        return name;
    }

    /// <summary>Adds a float initializer (row-major <paramref name="data"/> of <paramref name="shape"/>); returns its unique name.</summary>
    public string AddInitializer(string nameHint, float[] data, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (long dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Initializer '{nameHint}' has a negative dimension in shape [{string.Join(", ", shape)}].", nameof(shape));
            }

            count *= dim;
        }

        if (count != data.Length)
        {
            throw new ArgumentException(
                $"Initializer '{nameHint}' has {data.Length} values but shape [{string.Join(", ", shape)}] needs {count}.", nameof(data));
        }

        string name = UniqueTensorName(nameHint);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(shape);
        if (BitConverter.IsLittleEndian)
        {
            tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan()));
        }
        else
        {
            tensor.FloatData.AddRange(data);
        }

        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>2-D convolution (NCHW), square kernel, symmetric padding; <paramref name="bias"/> may be null.</summary>
    public string Conv(string input, string weight, string? bias, int kernel, int stride = 1, int pad = 0, int group = 1, string? name = null)
    {
        var inputs = bias is null ? new[] { input, weight } : new[] { input, weight, bias };
        return AddNode("Conv", inputs, name,
            OnnxAttributes.Ints("kernel_shape", kernel, kernel),
            OnnxAttributes.Ints("strides", stride, stride),
            OnnxAttributes.Ints("pads", pad, pad, pad, pad),
            OnnxAttributes.Ints("dilations", 1, 1),
            OnnxAttributes.Int("group", group));
    }

    /// <summary>Inference-mode batch normalization: scale·(x − mean)/√(var + ε) + bias per channel.</summary>
    public string BatchNormalization(string input, string scale, string bias, string mean, string variance, float epsilon, string? name = null) =>
        AddNode("BatchNormalization", new[] { input, scale, bias, mean, variance }, name, OnnxAttributes.Float("epsilon", epsilon));

    public string Relu(string input, string? name = null) => AddNode("Relu", new[] { input }, name);

    /// <summary>Max pooling, square window, symmetric padding (padding never wins a max).</summary>
    public string MaxPool(string input, int kernel, int stride, int pad = 0, string? name = null) =>
        AddNode("MaxPool", new[] { input }, name,
            OnnxAttributes.Ints("kernel_shape", kernel, kernel),
            OnnxAttributes.Ints("strides", stride, stride),
            OnnxAttributes.Ints("pads", pad, pad, pad, pad));

    public string Add(string a, string b, string? name = null) => AddNode("Add", new[] { a, b }, name);

    public string Sub(string a, string b, string? name = null) => AddNode("Sub", new[] { a, b }, name);

    public string Mul(string a, string b, string? name = null) => AddNode("Mul", new[] { a, b }, name);

    public string GlobalAveragePool(string input, string? name = null) => AddNode("GlobalAveragePool", new[] { input }, name);

    /// <summary>Flattens to 2-D: dimensions before <paramref name="axis"/> form the rows.</summary>
    public string Flatten(string input, int axis = 1, string? name = null) =>
        AddNode("Flatten", new[] { input }, name, OnnxAttributes.Int("axis", axis));

    /// <summary>Declares an existing tensor as a float graph output of shape [N, <paramref name="dimsAfterBatch"/>...].</summary>
    public void AddOutput(string tensorName, params long[] dimsAfterBatch)
    {
        RequireTensor(tensorName);
        if (_graph.Output.Any(o => o.Name == tensorName))
        {
            throw new InvalidOperationException($"Tensor '{tensorName}' is already a graph output.");
        }

        _graph.Output.Add(FloatValueInfo(tensorName, dimsAfterBatch));
    }

    /// <summary>Sets (or replaces) one <c>metadata_props</c> entry.</summary>
    public void SetMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        int index = _metadata.FindIndex(p => p.Key == key);
        var entry = new KeyValuePair<string, string>(key, value);
        if (index >= 0)
        {
            _metadata[index] = entry;
        }
        else
        {
            _metadata.Add(entry);
        }
    }

    /// <summary>Builds the model proto (a fresh object on every call).</summary>
    public ModelProto ToModel()
    {
        if (_graph.Output.Count == 0)
        {
            throw new InvalidOperationException("The graph has no output; call AddOutput first.");
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(OnnxGraphWriter).Assembly.GetName().Version?.ToString() ?? "0.0.0",
            Graph = _graph.Clone(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OpsetVersion });
        foreach (var (key, value) in _metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    /// <summary>Serialises the model to ONNX protobuf bytes.</summary>
    public byte[] ToBytes() => ToModel().ToByteArray();

    /// <summary>Writes the model as ONNX protobuf bytes to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ToModel().WriteTo(stream);
    }

    private string AddNode(string opType, string[] inputs, string? name, params AttributeProto[] attributes)
    {
        foreach (string input in inputs)
        {
            RequireTensor(input);
        }

        string nodeName = UniqueName(_nodeNames, name ?? opType.ToLowerInvariant());
        string output = UniqueTensorName(nodeName);
        var node = new NodeProto { Name = nodeName, OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    private void RequireTensor(string name)
    {
        if (!_tensorNames.Contains(name))
        {
            throw new InvalidOperationException($"Tensor '{name}' is not defined in graph '{_graph.Name}'.");
        }
    }

    private void DefineTensor(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_tensorNames.Add(name))
        {
            throw new InvalidOperationException($"Tensor name '{name}' is already used in graph '{_graph.Name}'.");
        }
    }

    private string UniqueTensorName(string hint) => UniqueName(_tensorNames, hint);

    private static string UniqueName(HashSet<string> used, string hint)
    {
        ArgumentException.ThrowIfNullOrEmpty(hint);
        return OnnxModelEdits.Unique(used, hint);
    }

    private static ValueInfoProto FloatValueInfo(string name, long[] dimsAfterBatch)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        foreach (long dim in dimsAfterBatch)
        {
            if (dim <= 0)
            {
                throw new ArgumentException($"Dimension {dim} of '{name}' must be positive.", nameof(dimsAfterBatch));
            }

            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        }

        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }
}
