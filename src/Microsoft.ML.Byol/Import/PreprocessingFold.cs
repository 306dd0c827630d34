using Microsoft.ML.Byol.Input;

namespace Microsoft.ML.Byol.Import;

/// <summary>
/// Rewrites the stem convolution of a file whose first convolution sees u = Scale·p[Source] + Offset (p = pixels
/// in RGB [0, 1]) into one that sees this library's input, n = (p − mean) / std with the ImageNet statistics:
/// p = std·n + mean, so u[c] = Scale[c]·std[s]·n[s] + (Scale[c]·mean[s] + Offset[c]) with s = Source[c], hence
/// W'[o, s] = Σ_{c: Source[c] = s} Scale[c]·std[s]·W[o, c] and the constant K[o] = Σ_{c, i, j} W[o, c, i, j]·(Scale[c]·mean[s] + Offset[c])
/// that the convolution adds moves into the batch norm that follows: running_mean' = running_mean − K.
/// Exact away from the borders; at a zero-padded border the file would see u = 0 where the folded network sees
/// n = 0 (p = mean), a difference of the per-channel constant only, small when Offset ≈ −Scale·mean.
/// </summary>
internal static class PreprocessingFold
{
    /// <summary>Factors within this of 1 (and constants within this of 0, relative) are taken as exact.</summary>
    private const double Snap = 1e-6;

    public static (float[] Weight, float[] RunningMean) Fold(ConvBnUnit stem, InputTransform transform)
    {
        if (stem.InChannels != transform.Channels)
            throw new InvalidOperationException($"The stem takes {stem.InChannels} channels, the input transform gives {transform.Channels}.");
        var mean = ImageNetNormalization.Mean;
        var std = ImageNetNormalization.Std;
        int outChannels = stem.OutChannels, channels = stem.InChannels, area = stem.Kernel * stem.Kernel;

        var factor = new double[channels];
        var constant = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            int s = transform.Source[c];
            factor[c] = transform.Scale[c] * std[s];
            if (Math.Abs(factor[c] - 1) < Snap)
                factor[c] = 1; // this library's own Sub/Mul head: 1/std rounded to float, times std
            double scaledMean = transform.Scale[c] * mean[s];
            constant[c] = scaledMean + transform.Offset[c];
            if (Math.Abs(constant[c]) < Snap * Math.Max(1, Math.Abs(scaledMean)))
                constant[c] = 0;
        }

        var weight = new float[outChannels * channels * area];
        var runningMean = stem.RunningMean.ToArray();
        for (int o = 0; o < outChannels; o++)
        {
            var folded = new double[channels * area];
            double k = 0;
            for (int c = 0; c < channels; c++)
            {
                int s = transform.Source[c];
                for (int i = 0; i < area; i++)
                {
                    double w = stem.Weight[(((o * channels) + c) * area) + i];
                    folded[(s * area) + i] += w * factor[c];
                    k += w * constant[c];
                }
            }

            for (int i = 0; i < folded.Length; i++)
                weight[(o * channels * area) + i] = (float)folded[i];
            runningMean[o] = (float)(stem.RunningMean[o] - k);
        }

        return (weight, runningMean);
    }
}
