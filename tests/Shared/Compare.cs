namespace Microsoft.ML.Byol.Tests.Shared;

/// <summary>Comparisons of embeddings and outputs.</summary>
internal static class Compare
{
    /// <summary>Largest absolute difference between two equally shaped lists of vectors.</summary>
    public static float MaxAbsDifference(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b)
    {
        a.Count.Should().Be(b.Count);
        return a.Zip(b).Max(p => p.First.Zip(p.Second).Max(v => Math.Abs(v.First - v.Second)));
    }

    /// <summary>max |a − b| / max(|b|, floor): the error relative to the scale of the expected values.</summary>
    public static double RelativeError(float[] actual, float[] expected, double floor = 1e-3)
    {
        actual.Length.Should().Be(expected.Length);
        double scale = Math.Max(floor, expected.Max(v => Math.Abs((double)v)));
        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            actual[i].Should().NotBe(float.NaN);
            worst = Math.Max(worst, Math.Abs((double)actual[i] - expected[i]));
        }

        return worst / scale;
    }

    public static float[] Flatten(float[,] values) => values.Cast<float>().ToArray();
}
