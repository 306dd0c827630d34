using System.Diagnostics;
using static TorchSharp.torch;

namespace EmbedBench;

/// <summary>The machine's float32 matmul throughput, measured with TorchSharp (2048×2048 × 2048×2048), in GFLOP/s.</summary>
internal static class MatmulPeak
{
    public static double Measure(int repetitions = 3, int multiplies = 8)
    {
        const int n = 2048;
        using var scope = NewDisposeScope();
        var a = randn(n, n);
        var b = randn(n, n);
        mm(a, b).Dispose(); // warm-up
        double best = 0;
        for (int r = 0; r < repetitions; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < multiplies; i++)
            {
                mm(a, b).Dispose();
            }

            best = Math.Max(best, 2.0 * n * n * n * multiplies / clock.Elapsed.TotalSeconds / 1e9);
        }

        return best;
    }
}
