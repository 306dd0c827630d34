namespace Microsoft.ML.Byol.Tests.Import;

/// <summary>How far two feature batches are apart: max error relative to the largest reference value, per-row cosine, relative L2.</summary>
internal sealed record FeatureComparison(double MaxRelativeError, double MinCosine, double MaxRelativeL2)
{
    public static FeatureComparison Of(float[] actual, float[] expected, int rows)
    {
        actual.Length.Should().Be(expected.Length);
        double scale = expected.Max(v => Math.Abs(v));
        scale.Should().BeGreaterThan(0);
        double maxError = actual.Zip(expected, (a, e) => Math.Abs(a - (double)e)).Max() / scale;
        int width = expected.Length / rows;
        double minCosine = 1, maxL2 = 0;
        for (int r = 0; r < rows; r++)
        {
            double dot = 0, aa = 0, ee = 0, diff = 0;
            for (int i = r * width; i < (r + 1) * width; i++)
            {
                dot += actual[i] * (double)expected[i];
                aa += actual[i] * (double)actual[i];
                ee += expected[i] * (double)expected[i];
                diff += Math.Pow(actual[i] - (double)expected[i], 2);
            }

            minCosine = Math.Min(minCosine, dot / Math.Sqrt(aa * ee));
            maxL2 = Math.Max(maxL2, Math.Sqrt(diff / ee));
        }

        return new FeatureComparison(maxError, minCosine, maxL2);
    }

    public override string ToString() =>
        $"max relative error {MaxRelativeError:E2}, min cosine {MinCosine:F6}, max relative L2 {MaxRelativeL2:E2}";
}
