using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// Runs one batch of pixels [n, 3, S, S] through the session straight from the caller's buffer (no copy) and writes
/// one embedding per image. ONNX Runtime allows concurrent runs of one session, so this needs no lock.
/// </summary>
internal sealed class BatchRunner(InferenceSession session, ByolEncoderInfo info)
{
    private readonly string[] _inputNames = { info.OnnxInputName };
    private readonly string[] _outputNames = { info.OnnxOutputName };

    /// <summary>Embeds the first <paramref name="count"/> images of <paramref name="pixels"/> into results[offset..].</summary>
    public void Run(float[] pixels, int count, float[][] results, int offset)
    {
        int size = info.ImageSize, plane = 3 * size * size, dim = info.EmbeddingSize;
        var shape = new long[] { count, 3, size, size };
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, pixels.AsMemory(0, count * plane), shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, _inputNames, new[] { input }, _outputNames);
        var output = outputs[0].GetTensorDataAsSpan<float>();
        if (output.Length != count * dim)
        {
            throw new InvalidDataException($"The encoder gave {output.Length} values for {count} images, expected {count}×{dim}.");
        }

        for (int i = 0; i < count; i++)
        {
            results[offset + i] = output.Slice(i * dim, dim).ToArray();
        }
    }
}
