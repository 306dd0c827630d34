namespace Microsoft.ML.Byol.Scoring;

/// <summary>
/// Finds NaN and infinite pixel values before they reach the encoder: ONNX Runtime would turn them into a NaN
/// embedding without an error, while training refuses the same input.
/// </summary>
internal static class FiniteValues
{
    /// <summary>Index of the first NaN or infinite value, or null when every value is finite.</summary>
    public static int? FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return null;
    }
}
