namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>Absolute comparisons of embeddings, as the embedder promises (≤ 1e-4 against the transformer).</summary>
internal static class EmbedderAssert
{
    public const float Tolerance = 1e-4f;

    public static void Close(float[][] actual, float[][] expected, float tolerance = Tolerance, string because = "")
    {
        actual.Should().HaveSameCount(expected, because);
        for (int i = 0; i < actual.Length; i++)
        {
            actual[i].Should().HaveSameCount(expected[i], because);
            float worst = actual[i].Zip(expected[i], (a, e) => Math.Abs(a - e)).Max();
            worst.Should().BeLessThanOrEqualTo(tolerance, $"row {i} {because}");
        }
    }

    /// <summary>Bit-for-bit equal.</summary>
    public static void Identical(float[][] actual, float[][] expected, string because = "")
    {
        actual.Should().HaveSameCount(expected, because);
        for (int i = 0; i < actual.Length; i++)
        {
            actual[i].Should().Equal(expected[i], because + $" (row {i})");
        }
    }
}
