using Microsoft.ML.Byol.Graph;
using Microsoft.ML.Byol.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Export;

/// <summary>
/// Writes a trained TorchSharp encoder as ONNX: reads its eval-mode weights and BatchNorm statistics by their
/// torchvision names and hands them to <see cref="ResNetOnnxBuilder"/> (ImageNet normalisation inside the graph,
/// symbolic batch dimension, self-describing metadata). Only the online encoder is ever exported.
/// </summary>
internal static class EncoderExporter
{
    /// <summary>Returns the ONNX bytes of <paramref name="encoder"/> for <paramref name="imageSize"/>-pixel inputs.</summary>
    /// <param name="encoder">The online encoder (any device; it is not modified).</param>
    /// <param name="imageSize">Side of the square input images.</param>
    /// <param name="foldBatchNorm">Fold BatchNorm into the convolutions (same numbers, fewer nodes).</param>
    /// <param name="trainingSummary">How it was trained, written to the ONNX metadata.</param>
    public static byte[] Export(ResNet encoder, int imageSize, bool foldBatchNorm, IReadOnlyDictionary<string, string>? trainingSummary)
    {
        var weights = ReadWeights(encoder);
        return ResNetOnnxBuilder.Build(encoder.Layout, imageSize,
            name => weights.TryGetValue(name, out var w) ? w : throw new KeyNotFoundException($"The encoder has no tensor '{name}'."),
            foldBatchNorm, trainingSummary);
    }

    /// <summary>Every parameter and buffer of the encoder as float arrays with shapes, by state_dict name.</summary>
    internal static Dictionary<string, (float[] Data, long[] Shape)> ReadWeights(ResNet encoder)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var result = new Dictionary<string, (float[], long[])>(StringComparer.Ordinal);
        foreach (var (name, tensor) in encoder.state_dict())
        {
            if (tensor.dtype != ScalarType.Float32)
                continue; // num_batches_tracked (int64) is not part of the eval-mode function
            var cpu = tensor.detach().cpu().contiguous();
            result[name] = (cpu.data<float>().ToArray(), cpu.shape.ToArray());
        }
        return result;
    }
}
