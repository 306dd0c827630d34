using Onnx;

namespace Microsoft.ML.Byol.Import;

/// <summary>
/// Walks the pixel preprocessing at the head of an ONNX graph (Sub, Add, Mul, Div by constants; Split + Concat
/// channel reordering; Identity) from the graph input up to the first convolution, or to the graph output for a
/// preprocessing-only model, and returns it as an <see cref="InputTransform"/>.
/// </summary>
internal static class InputHeadReader
{
    private const int Channels = 3;

    /// <summary>The transform and the node the transformed value flows into (the stem Conv), or null at a graph output.</summary>
    public static (InputTransform Transform, NodeProto? Next, string Value) Read(OnnxGraphView graph)
    {
        var transform = InputTransform.Identity(Channels);
        string value = graph.Input.Name;
        Exception Invalid(string why) => graph.Invalid(why);

        while (true)
        {
            if (graph.IsGraphOutput(value))
                return (transform, null, value);
            var node = graph.SingleConsumer(value, "the preprocessed input");
            switch (node.OpType)
            {
                case "Conv":
                    return (transform, node, value);
                case "Identity":
                    break;
                case "Sub" or "Add" when node.Input[0] == value && graph.IsConstant(node.Input[1]):
                    {
                        var (data, shape) = graph.Constant(node.Input[1]);
                        transform = transform.Add(data, shape, node.OpType == "Sub" ? -1 : 1, Invalid);
                        break;
                    }

                case "Add" when graph.IsConstant(node.Input[0]):
                    {
                        var (data, shape) = graph.Constant(node.Input[0]);
                        transform = transform.Add(data, shape, 1, Invalid);
                        break;
                    }

                case "Mul" or "Div" when node.Input[0] == value && graph.IsConstant(node.Input[1]):
                    {
                        var (data, shape) = graph.Constant(node.Input[1]);
                        transform = transform.Multiply(data, shape, node.OpType == "Div", Invalid);
                        break;
                    }

                case "Mul" when graph.IsConstant(node.Input[0]):
                    {
                        var (data, shape) = graph.Constant(node.Input[0]);
                        transform = transform.Multiply(data, shape, divide: false, Invalid);
                        break;
                    }

                case "Split":
                    (transform, node) = ReadChannelShuffle(graph, node, transform);
                    break;
                default:
                    throw graph.Invalid($"the input goes through a {node.OpType} node before the first convolution; " +
                        "only per-channel Sub/Add/Mul/Div by constants and Split+Concat channel reordering are understood there");
            }

            value = node.Output[0];
        }
    }

    /// <summary>Split(axis 1) into single channels, then Concat(axis 1) of those channels in some order.</summary>
    private static (InputTransform, NodeProto) ReadChannelShuffle(OnnxGraphView graph, NodeProto split, InputTransform transform)
    {
        if (OnnxGraphView.Int(split, "axis", 0) != 1 || split.Output.Count != Channels)
            throw graph.Invalid("a Split at the input that does not split the three colour channels");
        var concat = graph.SingleConsumer(split.Output[0], "a split colour channel");
        if (concat.OpType != "Concat" || OnnxGraphView.Int(concat, "axis", 0) != 1 || concat.Input.Count != Channels)
            throw graph.Invalid("a Split at the input that is not followed by a Concat of the three channels");
        var order = concat.Input.Select(name => split.Output.IndexOf(name)).ToArray();
        if (order.Any(i => i < 0) || order.Distinct().Count() != Channels
            || split.Output.Any(o => graph.Consumers(o).Count != 1 || graph.Consumers(o)[0] != concat))
            throw graph.Invalid("the channels split at the input are not concatenated back as a permutation");
        return (transform.Permute(order), concat);
    }
}
