namespace Microsoft.ML.Byol.Onnx.Tests.Support;

internal static class Compare
{
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
