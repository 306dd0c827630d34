using Microsoft.ML.Byol.Onnx.Tests.Support;

namespace Microsoft.ML.Byol.Onnx.Tests.Transformer;

/// <summary>Assertions on lists of embeddings.</summary>
internal static class Embeddings
{
    public const double Tolerance = 1e-5;

    /// <summary>Same count, each of EmbeddingSize values, each within <see cref="Tolerance"/> (relative to its scale).</summary>
    public static void ShouldMatch(float[][] actual, float[][] expected, string because = "")
    {
        actual.Should().HaveSameCount(expected, because);
        for (int i = 0; i < actual.Length; i++)
        {
            actual[i].Should().HaveCount(TestEncoder.EmbeddingSize, because);
            Compare.RelativeError(actual[i], expected[i]).Should().BeLessThanOrEqualTo(Tolerance, $"row {i} {because}");
        }
    }

    /// <summary>The embeddings are not all alike and not all zero: the comparison above means something.</summary>
    public static void ShouldBeInformative(float[][] embeddings)
    {
        embeddings.SelectMany(e => e).Should().Contain(v => v > 0);
        for (int i = 1; i < embeddings.Length; i++)
        {
            Compare.RelativeError(embeddings[i], embeddings[0]).Should().BeGreaterThan(1e-3, "different images give different embeddings");
        }
    }
}
