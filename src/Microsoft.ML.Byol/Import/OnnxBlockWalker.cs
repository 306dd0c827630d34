using Onnx;

namespace Microsoft.ML.Byol.Import;

/// <summary>One residual block found in an ONNX graph: its main branch (2 units: basic; 3: bottleneck) and shortcut.</summary>
internal sealed record OnnxResidualBlock(IReadOnlyList<ConvBnUnit> Main, ConvBnUnit? Downsample, string Output)
{
    /// <summary>The stride of the block (on the 3×3 convolution: the first of a basic block, the second of a bottleneck).</summary>
    public int Stride => Main.Max(u => u.Stride);

    public int Planes => Main[0].OutChannels;

    public int OutChannels => Main[^1].OutChannels;
}

/// <summary>
/// Walks residual blocks by topology: from a value x, every Conv that consumes x starts a chain
/// Conv → [BatchNormalization] → (Relu → Conv → [BatchNormalization])* that ends in an Add (or Sum) joining the
/// main branch (the longer chain) with either x itself or a one-convolution projection shortcut; a Relu follows.
/// </summary>
internal static class OnnxBlockWalker
{
    private static readonly string[] PoolOps = { "GlobalAveragePool", "AveragePool", "ReduceMean" };

    /// <summary>True when <paramref name="value"/> goes straight into the final pooling.</summary>
    public static NodeProto? Pool(OnnxGraphView graph, string value)
    {
        var consumers = graph.Consumers(value);
        return consumers.Count == 1 && PoolOps.Contains(consumers[0].OpType) ? consumers[0] : null;
    }

    public static OnnxResidualBlock Read(OnnxGraphView graph, string x, int index)
    {
        var consumers = graph.Consumers(x);
        var convs = consumers.Where(n => n.OpType == "Conv").ToList();
        var joins = consumers.Where(IsJoin).ToList();
        if (convs.Count is < 1 or > 2 || convs.Count + joins.Count != consumers.Count || joins.Count > 1)
        {
            throw graph.Invalid(
                $"block {index + 1}: its input '{x}' feeds [{string.Join(", ", consumers.Select(n => n.OpType))}], " +
                "not the convolutions and shortcut of a residual block");
        }

        var chains = convs.Select(conv => Chain(graph, conv, index)).ToList();
        var main = chains.OrderByDescending(c => c.Units.Count).First();
        if (main.Units.Count is not (2 or 3))
            throw graph.Invalid($"block {index + 1}: its main branch has {main.Units.Count} convolutions (a ResNet block has 2 or 3)");
        var join = main.Join;
        ConvBnUnit? downsample = null;
        if (chains.Count == 2)
        {
            var shortcut = chains.Single(c => c != main);
            if (shortcut.Units.Count != 1 || shortcut.Join != join)
                throw graph.Invalid($"block {index + 1}: its shortcut is not a single projection convolution into the block's Add");
            downsample = shortcut.Units[0];
        }

        string mainOut = main.Units[^1].Output;
        string shortcutOut = downsample?.Output ?? x;
        if (join.Input.Count != 2 || !join.Input.Contains(mainOut) || !join.Input.Contains(shortcutOut) || mainOut == shortcutOut)
            throw graph.Invalid($"block {index + 1}: its {join.OpType} does not add the main branch to the shortcut");
        var relu = graph.SingleConsumer(join.Output[0], $"the sum of block {index + 1}");
        if (relu.OpType != "Relu")
            throw graph.Invalid($"block {index + 1}: its sum goes into {relu.OpType}, not Relu");
        return new OnnxResidualBlock(main.Units, downsample, relu.Output[0]);
    }

    private static bool IsJoin(NodeProto node) => node.OpType is "Add" or "Sum";

    private static (List<ConvBnUnit> Units, NodeProto Join) Chain(OnnxGraphView graph, NodeProto conv, int index)
    {
        var units = new List<ConvBnUnit>();
        while (true)
        {
            var unit = ConvBnUnit.Read(graph, conv);
            units.Add(unit);
            var next = graph.SingleConsumer(unit.Output, $"a convolution of block {index + 1}");
            if (IsJoin(next))
                return (units, next);
            if (next.OpType != "Relu" || units.Count > 3)
                throw graph.Invalid($"block {index + 1}: a convolution is followed by {next.OpType} where Relu or Add is expected");
            conv = graph.SingleConsumer(next.Output[0], $"a Relu inside block {index + 1}");
            if (conv.OpType != "Conv")
                throw graph.Invalid($"block {index + 1}: a Relu inside the block feeds {conv.OpType}, not Conv");
        }
    }
}
