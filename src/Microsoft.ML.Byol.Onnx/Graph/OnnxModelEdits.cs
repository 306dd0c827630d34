using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Microsoft.ML.Byol.Graph;

/// <summary>Small edits of a parsed ONNX model shared by the graph writer, the adapter for ML.NET and the precision converters: metadata, initializers, unique names.</summary>
internal static class OnnxModelEdits
{
    /// <summary>Sets (or replaces) one <c>metadata_props</c> entry.</summary>
    public static void SetMetadata(ModelProto model, string key, string value)
    {
        var entry = model.MetadataProps.FirstOrDefault(p => p.Key == key);
        if (entry is null)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        else
        {
            entry.Value = value;
        }
    }

    /// <summary>Marks the model's precision in its metadata (read back by <see cref="ByolEncoderInfo.Precision"/>).</summary>
    public static void SetPrecision(ModelProto model, ByolOnnxPrecision precision) =>
        SetMetadata(model, OnnxMetadataKeys.Precision, precision.ToString());

    /// <summary>The values of a float32 initializer (raw bytes or float_data).</summary>
    public static float[] Floats(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new InvalidDataException($"Initializer '{tensor.Name}' is not float32.");
        }

        return tensor.RawData.Length > 0
            ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray()
            : tensor.FloatData.ToArray();
    }

    /// <summary>A new initializer of <paramref name="type"/> holding <paramref name="bytes"/> (little-endian) in shape <paramref name="dims"/>.</summary>
    public static TensorProto Tensor(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes, params long[] dims)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Writing ONNX raw tensor data needs a little-endian machine.");
        }

        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    /// <summary>Every tensor name the graph uses (inputs, outputs, initializers, value infos, node inputs and outputs).</summary>
    public static HashSet<string> TensorNames(GraphProto graph)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        names.UnionWith(graph.Input.Select(i => i.Name));
        names.UnionWith(graph.Output.Select(o => o.Name));
        names.UnionWith(graph.Initializer.Select(t => t.Name));
        names.UnionWith(graph.ValueInfo.Select(v => v.Name));
        foreach (var node in graph.Node)
        {
            names.UnionWith(node.Input);
            names.UnionWith(node.Output);
        }

        names.Remove(string.Empty);
        return names;
    }

    /// <summary>Reserves and returns <paramref name="hint"/>, or <c>hint_1</c>, <c>hint_2</c>, ... when taken.</summary>
    public static string Unique(HashSet<string> used, string hint)
    {
        string name = hint;
        for (int suffix = 1; !used.Add(name); suffix++)
        {
            name = $"{hint}_{suffix}";
        }

        return name;
    }

    /// <summary>A node with one output.</summary>
    public static NodeProto Node(string opType, string name, IEnumerable<string> inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { Name = name, OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }
}
