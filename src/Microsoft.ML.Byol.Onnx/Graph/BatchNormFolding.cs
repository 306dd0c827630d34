namespace Microsoft.ML.Byol.Graph;

/// <summary>
/// Folds an inference-mode batch normalization into the convolution before it:
/// s = γ / √(var + ε);  W' = W·s (per output channel);  b' = β + (b − mean)·s.
/// The arithmetic is done in double and rounded once to float.
/// </summary>
internal static class BatchNormFolding
{
    /// <summary>
    /// Returns the folded weight (same layout as <paramref name="convWeight"/>: output channel first) and the new bias.
    /// <paramref name="convBias"/> may be null (a convolution with no bias).
    /// </summary>
    public static (float[] Weight, float[] Bias) Fold(
        float[] convWeight, float[]? convBias,
        float[] gamma, float[] beta, float[] runningMean, float[] runningVar, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(convWeight);
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        ArgumentNullException.ThrowIfNull(runningMean);
        ArgumentNullException.ThrowIfNull(runningVar);
        int channels = gamma.Length;
        if (channels == 0 || beta.Length != channels || runningMean.Length != channels || runningVar.Length != channels
            || (convBias is not null && convBias.Length != channels))
        {
            throw new ArgumentException(
                $"Batch-norm parameters disagree on the channel count (gamma {gamma.Length}, beta {beta.Length}, " +
                $"mean {runningMean.Length}, var {runningVar.Length}, conv bias {convBias?.Length.ToString() ?? "none"}).");
        }

        if (convWeight.Length % channels != 0)
        {
            throw new ArgumentException(
                $"Convolution weight of {convWeight.Length} values cannot have {channels} output channels.", nameof(convWeight));
        }

        if (!(epsilon >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be non-negative.");
        }

        int perChannel = convWeight.Length / channels;
        var weight = new float[convWeight.Length];
        var bias = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double variance = (double)runningVar[c] + epsilon;
            if (!(variance > 0))
            {
                throw new ArgumentException($"Channel {c}: running variance {runningVar[c]} + epsilon {epsilon} is not positive.", nameof(runningVar));
            }

            double scale = gamma[c] / Math.Sqrt(variance);
            int offset = c * perChannel;
            for (int i = 0; i < perChannel; i++)
            {
                weight[offset + i] = (float)(convWeight[offset + i] * scale);
            }

            double oldBias = convBias is null ? 0.0 : convBias[c];
            bias[c] = (float)(beta[c] + ((oldBias - runningMean[c]) * scale));
        }

        return (weight, bias);
    }
}
