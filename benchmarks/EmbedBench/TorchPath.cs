using Microsoft.ML.Byol.Networks;
using static TorchSharp.torch;

namespace EmbedBench;

/// <summary>(d) TorchSharp eager inference of the same encoder: eval mode, no_grad, same batch size, on ready pixels.</summary>
internal sealed class TorchPath(ResNet encoder, int batchSize, int imageSize) : BenchPath("d", "TorchSharp eager (ready floats, batched)")
{
    public override Action Prepare(int count, int seed)
    {
        var pixels = Inputs.Pixels(count, imageSize, seed);
        return () =>
        {
            using var noGrad = no_grad();
            int plane = 3 * imageSize * imageSize;
            for (int start = 0; start < count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(batchSize, count - start);
                var batch = tensor(pixels.AsSpan(start * plane, n * plane).ToArray(), new long[] { n, 3, imageSize, imageSize });
                _ = encoder.call(batch).data<float>().ToArray();
            }
        };
    }
}
