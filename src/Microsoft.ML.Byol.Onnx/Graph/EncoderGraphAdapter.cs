using Google.Protobuf;
using Microsoft.ML.Byol.Input;
using Onnx;

namespace Microsoft.ML.Byol.Graph;

/// <summary>
/// Makes the private copy of an encoder that ML.NET's OnnxTransformer runs: OnnxTransformer needs its column names to
/// be the graph's tensor names, and runs one row at a time. The copy gets a batch-1 input named after the input
/// column, a head that turns that input into the encoder's [1, 3, S, S] pixels (Reshape of a flat vector; Concat of
/// one grey plane into three, the rule of <see cref="ImageInputContract.RepeatGreyPlane"/>), and an output named after
/// the output column, reshaped to [D] so the column is a vector of exactly EmbeddingSize floats. The network in
/// between is untouched, except that float16 initializers (of a <see cref="ByolOnnxPrecision.Float16"/> encoder) are
/// stored as float32 and cast back, because OnnxTransformer knows no float16 initializer.
/// </summary>
internal static class EncoderGraphAdapter
{
    private const string Prefix = "byol_adapter";

    public static byte[] Adapt(byte[] encoder, ByolEncoderInfo info, InputFormat format, string inputName, string outputName)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputName);
        ArgumentException.ThrowIfNullOrEmpty(outputName);
        if (inputName == outputName)
        {
            throw new ArgumentException($"The ONNX input and output cannot share the name '{inputName}'.", nameof(outputName));
        }

        var model = ModelProto.Parser.ParseFrom(encoder);
        var graph = model.Graph;
        string encoderInput = info.OnnxInputName, encoderOutput = info.OnnxOutputName;

        // Free the two names the copy must use, should any tensor of the network already carry them.
        var used = OnnxModelEdits.TensorNames(graph);
        foreach (string wanted in new[] { inputName, outputName })
        {
            if (used.Contains(wanted))
            {
                string replacement = OnnxModelEdits.Unique(used, $"{Prefix}.renamed.{wanted}");
                Rename(graph, wanted, replacement);
                encoderInput = encoderInput == wanted ? replacement : encoderInput;
                encoderOutput = encoderOutput == wanted ? replacement : encoderOutput;
            }
        }

        int size = info.ImageSize;
        graph.Input.Remove(graph.Input.Single(i => i.Name == encoderInput));
        graph.Output.Remove(graph.Output.Single(o => o.Name == encoderOutput));

        var head = new List<NodeProto>();
        if (format.IsImage)
        {
            graph.Input.Add(FloatValue(inputName, 1, 3, size, size));
            head.Add(Node("Identity", new[] { inputName }, encoderInput));
        }
        else
        {
            graph.Input.Add(FloatValue(inputName, 1, format.Channels * size * size));
            string shape = AddInt64(graph, used, $"{Prefix}.input_shape", 1, format.Channels, size, size);
            string planes = format.Channels == 3 ? encoderInput : OnnxModelEdits.Unique(used, $"{Prefix}.grey");
            head.Add(Node("Reshape", new[] { inputName, shape }, planes));
            if (format.Channels == 1)
            {
                // The grey → RGB rule of ImageInputContract.RepeatGreyPlane, as a node: R = G = B = the grey plane.
                var copies = Enumerable.Repeat(planes, ImageInputContract.Channels).ToArray();
                head.Add(Node("Concat", copies, encoderInput, OnnxAttributes.Int("axis", 1)));
            }
        }

        for (int i = head.Count - 1; i >= 0; i--)
        {
            graph.Node.Insert(0, head[i]);
        }

        string embeddingShape = AddInt64(graph, used, $"{Prefix}.output_shape", info.EmbeddingSize);
        graph.Node.Add(Node("Reshape", new[] { encoderOutput, embeddingShape }, outputName));
        graph.Output.Add(FloatValue(outputName, info.EmbeddingSize));
        graph.ValueInfo.Clear();
        Float16Converter.WidenInitializers(graph); // OnnxTransformer refuses float16 initializers
        return model.ToByteArray();
    }

    private static void Rename(GraphProto graph, string from, string to)
    {
        foreach (var node in graph.Node)
        {
            Replace(node.Input, from, to);
            Replace(node.Output, from, to);
        }

        foreach (var value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo).Where(v => v.Name == from))
        {
            value.Name = to;
        }

        foreach (var tensor in graph.Initializer.Where(t => t.Name == from))
        {
            tensor.Name = to;
        }
    }

    private static void Replace(Google.Protobuf.Collections.RepeatedField<string> names, string from, string to)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == from)
            {
                names[i] = to;
            }
        }
    }

    private static string AddInt64(GraphProto graph, HashSet<string> used, string hint, params long[] values)
    {
        string name = OnnxModelEdits.Unique(used, hint);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        graph.Initializer.Add(tensor);
        return name;
    }

    private static NodeProto Node(string opType, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { Name = $"{Prefix}.{opType.ToLowerInvariant()}.{output}", OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static ValueInfoProto FloatValue(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
