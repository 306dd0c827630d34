using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Microsoft.ML.Byol.Graph;

/// <summary>
/// Turns a float32 encoder into a float16 one: every float initializer becomes float16, and the network runs in
/// float16 between a Cast after the float32 input and a Cast before the float32 output. The input and output keep
/// their names, types and shapes, so callers (and <see cref="EncoderGraphAdapter"/>) see no difference.
/// </summary>
internal static class Float16Converter
{
    private const string Prefix = "byol_fp16";

    public static byte[] Convert(byte[] encoder, ByolEncoderInfo info)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(info);
        var model = ModelProto.Parser.ParseFrom(encoder);
        var graph = model.Graph;
        var used = OnnxModelEdits.TensorNames(graph);

        foreach (var tensor in graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float))
        {
            var halves = OnnxModelEdits.Floats(tensor).Select(v => (Half)v).ToArray();
            tensor.FloatData.Clear();
            tensor.DataType = (int)TensorProto.Types.DataType.Float16;
            tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(halves.AsSpan()));
        }

        if (graph.Node.Any(n => n.OpType == "Constant" || n.OpType == "Cast"))
        {
            throw new InvalidDataException("The encoder has Constant or Cast nodes, which the float16 conversion does not handle.");
        }

        // Input: pixels (float32) → Cast → pixels_fp16, read by the nodes that read the input.
        string input = info.OnnxInputName, half = OnnxModelEdits.Unique(used, $"{Prefix}.{input}");
        foreach (var node in graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == input)
                {
                    node.Input[i] = half;
                }
            }
        }

        // Output: the node writing the output writes a float16 tensor, cast to float32 under the output's name.
        string output = info.OnnxOutputName, halfOutput = OnnxModelEdits.Unique(used, $"{Prefix}.{output}");
        var producer = graph.Node.Single(n => n.Output.Contains(output));
        producer.Output[producer.Output.IndexOf(output)] = halfOutput;
        foreach (var node in graph.Node.Where(n => n.Input.Contains(output)))
        {
            for (int i = 0; i < node.Input.Count; i++)
            {
                node.Input[i] = node.Input[i] == output ? halfOutput : node.Input[i];
            }
        }

        graph.Node.Insert(0, Cast(input, half, TensorProto.Types.DataType.Float16));
        graph.Node.Add(Cast(halfOutput, output, TensorProto.Types.DataType.Float));
        graph.ValueInfo.Clear(); // the types of intermediate values changed; runtimes infer them again
        OnnxModelEdits.SetPrecision(model, ByolOnnxPrecision.Float16);
        return model.ToByteArray();
    }

    /// <summary>
    /// Stores each float16 initializer of <paramref name="graph"/> as float32 (exactly: every float16 is a float32),
    /// read through a Cast back to float16 that ONNX Runtime folds at load. For ML.NET's OnnxTransformer, which reads
    /// the element type of every initializer and knows no float16. Returns the number of initializers changed.
    /// </summary>
    public static int WidenInitializers(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var used = OnnxModelEdits.TensorNames(graph);
        var casts = new List<NodeProto>();
        foreach (var tensor in graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float16))
        {
            if (tensor.RawData.Length == 0)
            {
                throw new InvalidDataException($"Float16 initializer '{tensor.Name}' keeps its values outside raw_data, which is not supported.");
            }

            var floats = MemoryMarshal.Cast<byte, Half>(tensor.RawData.Span).ToArray().Select(h => (float)h).ToArray();
            string halfName = tensor.Name;
            tensor.Name = OnnxModelEdits.Unique(used, $"{Prefix}.{halfName}.float32");
            tensor.DataType = (int)TensorProto.Types.DataType.Float;
            tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(floats.AsSpan()));
            casts.Add(Cast(tensor.Name, halfName, TensorProto.Types.DataType.Float16));
        }

        for (int i = casts.Count - 1; i >= 0; i--)
        {
            graph.Node.Insert(0, casts[i]);
        }

        return casts.Count;
    }

    private static NodeProto Cast(string from, string to, TensorProto.Types.DataType type) =>
        OnnxModelEdits.Node("Cast", $"{Prefix}.cast.{to}", new[] { from }, to, OnnxAttributes.Int("to", (long)type));
}
