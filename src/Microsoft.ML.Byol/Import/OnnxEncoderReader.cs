using System.Globalization;
using Microsoft.ML.Byol.Graph;
using Onnx;

namespace Microsoft.ML.Byol.Import;

/// <summary>
/// Reads a ResNet v1 encoder from an ONNX graph by walking its topology (never its node names): the pixel
/// preprocessing at its head, the stem (7×7 stride 2 + max-pool, or this library's 3×3 stride 1 without max-pool),
/// the residual blocks (basic or bottleneck, identity or projection shortcuts) up to the global average pool.
/// Blocks per stage, block kind and width (stem channels / 64) are inferred; the preprocessing is folded into the
/// stem so the result takes this library's input (RGB [0, 1] normalised with the ImageNet mean and std).
/// </summary>
internal static class OnnxEncoderReader
{
    public const string Format = "onnx";

    /// <param name="model">The parsed model.</param>
    /// <param name="source">What to call it in messages (the file path).</param>
    /// <param name="path">The file, to find a separate preprocessing model beside it; null for bytes.</param>
    public static ImportedEncoder Read(ModelProto model, string source, string? path)
    {
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new InvalidDataException($"'{source}' is an ONNX model with no graph.");
        if (model.MetadataProps.FirstOrDefault(p => p.Key == OnnxMetadataKeys.Precision) is { } precision
            && precision.Value != nameof(ByolOnnxPrecision.Float32))
        {
            throw new InvalidDataException(
                $"'{source}' is a {precision.Value} encoder (ByolOnnxPrecision); weights are imported from float32 encoders only: use the float32 file it was exported from.");
        }

        var graph = new OnnxGraphView(model.Graph, source);
        var (head, stemConv, _) = InputHeadReader.Read(graph);
        if (stemConv is null)
        {
            throw graph.Invalid("the graph has no convolution" +
                (source.EndsWith(MlNetPreprocessing.FileName, StringComparison.OrdinalIgnoreCase)
                    ? $" ({MlNetPreprocessing.FileName} is ML.NET's preprocessing model; import the ResNet model beside it)" : ""));
        }

        var (pixels, pixelNote) = PixelContract(model, graph, head, path);

        var stem = ConvBnUnit.Read(graph, stemConv);
        var (smallShape, standardShape) = (ResNetLayout.StemShape(true), ResNetLayout.StemShape(false));
        bool small = (stem.Kernel, stem.Stride) == smallShape;
        if (!small && (stem.Kernel, stem.Stride) != standardShape)
            throw graph.Invalid($"the stem is a {stem.Kernel}×{stem.Kernel} stride-{stem.Stride} convolution " +
                $"(expected {standardShape.Kernel}×{standardShape.Kernel} stride {standardShape.Stride}, or {smallShape.Kernel}×{smallShape.Kernel} stride {smallShape.Stride})");
        stem.Require(graph, "the stem convolution", stem.Kernel, stem.Stride, 3);
        var relu = graph.SingleConsumer(stem.Output, "the stem");
        if (relu.OpType != "Relu")
            throw graph.Invalid($"the stem is followed by {relu.OpType}, not Relu");
        string x = relu.Output[0];
        if (!small)
            x = ReadMaxPool(graph, x);

        var blocks = new List<OnnxResidualBlock>();
        NodeProto? pool;
        while ((pool = OnnxBlockWalker.Pool(graph, x)) is null)
        {
            if (blocks.Count > 200)
                throw graph.Invalid("more than 200 residual blocks");
            var block = OnnxBlockWalker.Read(graph, x, blocks.Count);
            blocks.Add(block);
            x = block.Output;
        }

        var layout = Layout(graph, stem, small, blocks);
        CheckPool(graph, pool, layout, small);
        var weights = Weights(graph, layout, stem, pixels, blocks);
        string description = $"{layout.Architecture} [{layout.BlocksText}] ×{layout.WidthMultiplier.ToString(CultureInfo.InvariantCulture)} " +
            $"({(small ? "small-image" : "standard")} stem) from ONNX '{source}' ({model.ProducerName} {model.ProducerVersion}, " +
            $"opset {string.Join(",", model.OpsetImport.Select(o => o.Version))}); {pixelNote}";
        return new ImportedEncoder(layout, weights, Format, description);
    }

    /// <summary>What the first convolution sees, as a function of this library's pixels (RGB in [0, 1]).</summary>
    private static (InputTransform Transform, string Note) PixelContract(ModelProto model, OnnxGraphView graph, InputTransform head, string? path)
    {
        bool bare = head.Scale.All(s => s == 1) && head.Offset.All(o => o == 0) && head.Source.SequenceEqual(new[] { 0, 1, 2 });
        if (!bare)
        {
            bool byol = model.MetadataProps.Any(p => p.Key == OnnxMetadataKeys.FormatVersion);
            return (head, byol
                ? "input normalisation in the graph (this library's encoder: RGB [0, 1], ImageNet mean/std)"
                : "the graph's own input preprocessing, applied to RGB pixels in [0, 1]");
        }

        if (MlNetPreprocessing.Find(path) is { } found)
            return found;
        if (model.ProducerName == "CNTK")
            return MlNetPreprocessing.Default();
        if (model.ProducerName == "pytorch")
            return (InputTransform.ImageNet(), "no normalisation in the graph: a PyTorch export, taken to expect torchvision's input " +
                "(RGB [0, 1] normalised with the ImageNet mean/std outside the graph)");
        throw graph.Invalid(
            "its first convolution takes the graph input directly and nothing says how pixels were preprocessed " +
            $"(no input normalisation in the graph, no {MlNetPreprocessing.FileName} beside it, producer '{model.ProducerName}' " +
            "is neither CNTK (ML.NET's models) nor pytorch (torchvision's normalised input))");
    }

    private static string ReadMaxPool(OnnxGraphView graph, string x)
    {
        var pool = graph.SingleConsumer(x, "the stem's Relu");
        if (pool.OpType != "MaxPool")
            throw graph.Invalid($"the 7×7 stem is followed by {pool.OpType}, not MaxPool");
        long[] kernel = OnnxGraphView.Ints(pool, "kernel_shape", Array.Empty<long>());
        long[] strides = OnnxGraphView.Ints(pool, "strides", new long[] { 1, 1 });
        long[] pads = OnnxGraphView.Ints(pool, "pads", new long[] { 0, 0, 0, 0 });
        // torchvision's pool, or ML.NET's asymmetric "same" padding of it (the same outputs at even sizes).
        var expected = ResNetLayout.StandardStemPool;
        long k = expected.Kernel, s = expected.Stride, p = expected.Padding;
        bool ok = kernel.SequenceEqual(new[] { k, k }) && strides.SequenceEqual(new[] { s, s })
            && pads.Length == 4 && pads[0] == p && pads[1] == p && (pads[2] == p || pads[2] == 0) && (pads[3] == p || pads[3] == 0)
            && OnnxGraphView.Int(pool, "ceil_mode", 0) == 0;
        if (!ok)
            throw graph.Invalid($"the stem's max-pool is kernel [{string.Join(", ", kernel)}] stride [{string.Join(", ", strides)}] pads [{string.Join(", ", pads)}], not {k}×{k} stride {s} pad {p}");
        return pool.Output[0];
    }

    private static ResNetLayout Layout(OnnxGraphView graph, ConvBnUnit stem, bool small, List<OnnxResidualBlock> blocks)
    {
        if (blocks.Count == 0)
            throw graph.Invalid("no residual blocks between the stem and the pooling");
        bool bottleneck = blocks[0].Main.Count == 3;
        if (blocks.Any(b => (b.Main.Count == 3) != bottleneck))
            throw graph.Invalid("it mixes basic and bottleneck blocks");
        var perStage = new List<int>();
        foreach (var (block, i) in blocks.Select((b, i) => (b, i)))
        {
            if (block.Stride is not (1 or 2))
                throw graph.Invalid($"block {i + 1} has stride {block.Stride}");
            if (i == 0 || block.Stride == 2)
                perStage.Add(0);
            perStage[^1]++;
        }

        if (perStage.Count != 4 || blocks[0].Stride != 1)
            throw graph.Invalid($"its {blocks.Count} blocks form {perStage.Count} stages ([{string.Join(",", perStage)}]); a ResNet has four, the first at stride 1");
        var architecture = ArchitectureGuess.For(bottleneck, perStage);
        var layout = new ResNetLayout(architecture, stem.OutChannels / 64f, small, perStage);
        if (layout.StemChannels != stem.OutChannels)
            throw graph.Invalid($"its stem has {stem.OutChannels} channels, which no width multiplier gives");
        return layout;
    }

    private static void CheckPool(OnnxGraphView graph, NodeProto pool, ResNetLayout layout, bool small)
    {
        if (pool.OpType == "ReduceMean")
        {
            long[] axes = OnnxGraphView.Ints(pool, "axes", Array.Empty<long>());
            if (!axes.OrderBy(a => a).SequenceEqual(new long[] { 2, 3 }))
                throw graph.Invalid($"the final ReduceMean averages axes [{string.Join(", ", axes)}], not the spatial ones");
        }
        else if (pool.OpType == "AveragePool")
        {
            // A fixed-size average pool is a global one at the size the model was made for (ML.NET's: 7×7 at 224 px).
            long[] kernel = OnnxGraphView.Ints(pool, "kernel_shape", Array.Empty<long>());
            long?[] dims = graph.InputDims;
            if (dims.Length == 4 && dims[2] is long size && FinalSize(size, small) is long final && !kernel.All(k => k == final))
                throw graph.Invalid($"the final AveragePool has kernel [{string.Join(", ", kernel)}], not the {final}×{final} of the last stage at {size} px");
        }
    }

    private static long FinalSize(long size, bool small)
    {
        static long Down(long s, int k, int p) => ((s + (2 * p) - k) / 2) + 1;
        if (!small)
            size = Down(Down(size, 7, 3), 3, 1);
        for (int stage = 1; stage < 4; stage++)
            size = Down(size, 3, 1);
        return size;
    }

    private static Dictionary<string, (float[] Data, long[] Shape)> Weights(
        OnnxGraphView graph, ResNetLayout layout, ConvBnUnit stem, InputTransform pixels, List<OnnxResidualBlock> blocks)
    {
        var weights = new Dictionary<string, (float[] Data, long[] Shape)>(StringComparer.Ordinal);
        var (stemWeight, stemMean) = PreprocessingFold.Fold(stem, pixels);
        Add(weights, "conv1", "bn1", stem with { Weight = stemWeight, RunningMean = stemMean });

        foreach (var (spec, index) in layout.Blocks.Select((b, i) => (b, i)))
        {
            var block = blocks[index];
            string role = $"block {index + 1} ({spec.Prefix})";
            var main = spec.MainBranch;
            if (block.Main.Count != main.Count)
                throw graph.Invalid($"{role} has {block.Main.Count} convolutions in its main branch; a {(spec.Bottleneck ? "bottleneck" : "basic")} block has {main.Count}");
            for (int u = 0; u < main.Count; u++)
                block.Main[u].Require(graph, $"{role} conv{u + 1}", main[u].Kernel, main[u].Stride, main[u].InChannels);

            if (block.Planes != spec.Planes || block.OutChannels != spec.OutChannels)
                throw graph.Invalid($"{role} has {block.Planes} → {block.OutChannels} channels; width {layout.WidthMultiplier} gives {spec.Planes} → {spec.OutChannels}");
            if ((block.Downsample is not null) != spec.HasDownsample)
                throw graph.Invalid($"{role} {(spec.HasDownsample ? "lacks the projection shortcut" : "has a projection shortcut")} that a ResNet v1 {(spec.HasDownsample ? "has" : "does not have")} there");
            for (int u = 0; u < block.Main.Count; u++)
                Add(weights, $"{spec.Prefix}.conv{u + 1}", $"{spec.Prefix}.bn{u + 1}", block.Main[u]);
            if (block.Downsample is { } shortcut && spec.Shortcut is { } projection)
            {
                shortcut.Require(graph, $"{role} shortcut", projection.Kernel, projection.Stride, projection.InChannels);
                Add(weights, $"{spec.Prefix}.downsample.0", $"{spec.Prefix}.downsample.1", shortcut);
            }
        }

        return weights;
    }

    private static void Add(Dictionary<string, (float[] Data, long[] Shape)> weights, string conv, string bn, ConvBnUnit unit)
    {
        long[] channels = { unit.OutChannels };
        weights[$"{conv}.weight"] = (unit.Weight, unit.WeightShape);
        weights[$"{bn}.weight"] = (unit.Gamma, channels);
        weights[$"{bn}.bias"] = (unit.Beta, channels);
        weights[$"{bn}.running_mean"] = (unit.RunningMean, channels);
        weights[$"{bn}.running_var"] = (unit.RunningVar, channels);
    }
}
