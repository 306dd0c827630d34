namespace Microsoft.ML.Byol.Graph;

/// <summary>
/// Symmetric per-output-channel int8 quantisation of a convolution's weights (zero point 0, scale = max |w| / levels
/// for each output channel), and the int32 bias that goes with it (scale = input scale × weight scale, as ONNX
/// Runtime's QLinearConv expects).
/// </summary>
internal static class ChannelQuantization
{
    /// <summary>
    /// Largest magnitude of a quantised weight: 63, i.e. 7-bit weights (ONNX Runtime's <c>reduce_range</c>). x86 CPUs
    /// without VNNI multiply uint8 activations by int8 weights with AVX2 <c>vpmaddubsw</c>, which adds pairs of
    /// products in saturating int16: 2 × 255 × 127 overflows it, 2 × 255 × 63 = 32 130 does not. With the full range
    /// the imported ResNet-18 lost up to 0.56 in cosine similarity on Fashion-MNIST (mean 0.13); with 63, 0.025 (mean 0.007).
    /// </summary>
    public const int WeightLevels = 63;

    /// <summary>Quantises <paramref name="weights"/> (row-major, output channel first) per output channel.</summary>
    public static (sbyte[] Values, float[] Scales) Weights(float[] weights, int channels)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (channels <= 0 || weights.Length % channels != 0)
        {
            throw new ArgumentException($"{weights.Length} weights do not split into {channels} output channels.", nameof(channels));
        }

        int perChannel = weights.Length / channels;
        var values = new sbyte[weights.Length];
        var scales = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            var slice = weights.AsSpan(c * perChannel, perChannel);
            float largest = 0;
            foreach (float w in slice)
            {
                largest = Math.Max(largest, Math.Abs(w));
            }

            float scale = largest > 0 ? largest / WeightLevels : 1f;
            scales[c] = scale;
            for (int i = 0; i < perChannel; i++)
            {
                values[c * perChannel + i] = (sbyte)Math.Clamp(Math.Round(slice[i] / scale, MidpointRounding.ToEven), -WeightLevels, WeightLevels);
            }
        }

        return (values, scales);
    }

    /// <summary>The bias as int32 in units of input scale × weight scale, and those per-channel scales.</summary>
    public static (int[] Values, float[] Scales) Bias(float[] bias, float inputScale, float[] weightScales)
    {
        ArgumentNullException.ThrowIfNull(bias);
        ArgumentNullException.ThrowIfNull(weightScales);
        if (bias.Length != weightScales.Length)
        {
            throw new ArgumentException($"{bias.Length} biases for {weightScales.Length} output channels.", nameof(bias));
        }

        var values = new int[bias.Length];
        var scales = new float[bias.Length];
        for (int c = 0; c < bias.Length; c++)
        {
            scales[c] = inputScale * weightScales[c];
            values[c] = (int)Math.Clamp(Math.Round(bias[c] / (double)scales[c], MidpointRounding.ToEven), int.MinValue, int.MaxValue);
        }

        return (values, scales);
    }
}
