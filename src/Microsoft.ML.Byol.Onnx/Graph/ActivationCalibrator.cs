using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Microsoft.ML.Byol.Graph;

/// <summary>
/// Runs the float32 encoder in ONNX Runtime (CPU) on calibration batches with chosen intermediate tensors exposed as
/// extra graph outputs, and records the range (min/max) each took over all images.
/// </summary>
internal static class ActivationCalibrator
{
    /// <summary>The range of each tensor in <paramref name="tensors"/> over the batches of pixels [n, 3, S, S].</summary>
    /// <exception cref="ArgumentException">No batch held an image.</exception>
    public static Dictionary<string, ActivationRange> Measure(
        byte[] floatEncoder, ByolEncoderInfo info, IReadOnlyCollection<string> tensors, IEnumerable<(float[] Pixels, int Count)> batches)
    {
        var model = ModelProto.Parser.ParseFrom(floatEncoder);
        var outputs = model.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string name in tensors.Where(t => !outputs.Contains(t)))
        {
            var type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } };
            model.Graph.Output.Add(new ValueInfoProto { Name = name, Type = type });
        }

        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        using var session = new InferenceSession(model.ToByteArray(), options);
        string[] names = tensors.ToArray();
        var ranges = names.ToDictionary(n => n, _ => ActivationRange.Empty, StringComparer.Ordinal);
        int size = info.ImageSize, plane = 3 * size * size, images = 0;
        foreach (var (pixels, count) in batches)
        {
            if (count == 0)
            {
                continue;
            }

            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, pixels.AsMemory(0, count * plane), new long[] { count, 3, size, size });
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, new[] { info.OnnxInputName }, new[] { input }, names);
            for (int i = 0; i < names.Length; i++)
            {
                ranges[names[i]] = ranges[names[i]].Include(results[i].GetTensorDataAsSpan<float>());
            }

            images += count;
        }

        if (images == 0)
        {
            throw new ArgumentException("The calibration set holds no image; Int8 export needs sample images to calibrate its activations.");
        }

        return ranges;
    }
}
