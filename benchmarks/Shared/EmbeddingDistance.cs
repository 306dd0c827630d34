using System.Numerics.Tensors;

/// <summary>How far apart two embeddings of one image are (Float32 against Int8 or Float16 encoders).</summary>
internal static class EmbeddingDistance
{
    /// <summary>1 − cosine similarity (0: same direction).</summary>
    public static double Cosine(float[] a, float[] b) => 1 - TensorPrimitives.CosineSimilarity(a, b);
}
