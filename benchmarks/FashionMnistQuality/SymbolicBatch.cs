using Google.Protobuf;
using Onnx;

namespace FashionMnistQuality;

/// <summary>
/// Rewrites an ONNX model whose tensors are declared with batch 1 (ML.NET's DnnImageFeaturizer models: CNTK exports)
/// so that the first dimension of every graph input, output and intermediate value is the symbol "N". The nodes are
/// untouched: convolutions, pooling, Split/Concat on axis 1 and a broadcast Sub of a [1, C, H, W] constant are all
/// batch-agnostic, so ONNX Runtime runs any batch size.
/// </summary>
internal static class SymbolicBatch
{
    public const string Symbol = "N";

    public static byte[] Rewrite(byte[] onnx)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        var graph = model.Graph;
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        int changed = 0;
        foreach (var value in graph.Input.Where(v => !initializers.Contains(v.Name)).Concat(graph.Output).Concat(graph.ValueInfo))
        {
            var dims = value.Type?.TensorType?.Shape?.Dim;
            if (dims is not { Count: > 0 })
                continue;
            if (dims[0].DimValue != 1)
                throw new InvalidDataException($"'{value.Name}' has first dimension {dims[0]}, not 1: not a batch-1 model.");
            dims[0].DimParam = Symbol;
            changed++;
        }
        if (changed == 0)
            throw new InvalidDataException("The model declares no tensor shapes to rewrite.");
        return model.ToByteArray();
    }
}
