using Microsoft.ML.Byol.Input;

namespace Microsoft.ML.Byol.Import;

/// <summary>
/// A per-channel affine map from a graph's pixel input p to what its first convolution sees:
/// u[c] = Scale[c] · p[Source[c]] + Offset[c]. <see cref="Offset"/> is the per-channel mean of what was subtracted or
/// added; when that was a whole image (ML.NET's mean image) its spatial spread is kept in
/// <see cref="OffsetSpatialStd"/> to say what replacing it by the mean changes.
/// </summary>
internal sealed record InputTransform(double[] Scale, int[] Source, double[] Offset, double[] OffsetSpatialStd)
{
    /// <summary>u = p.</summary>
    public static InputTransform Identity(int channels) => new(
        Enumerable.Repeat(1.0, channels).ToArray(), Enumerable.Range(0, channels).ToArray(), new double[channels], new double[channels]);

    /// <summary>u = (p − mean) / std with the ImageNet statistics: this library's (and torchvision's) input.</summary>
    public static InputTransform ImageNet()
    {
        var mean = ImageNetNormalization.Mean;
        var std = ImageNetNormalization.Std;
        return new InputTransform(
            std.Select(s => 1.0 / s).ToArray(), new[] { 0, 1, 2 }, mean.Zip(std, (m, s) => -m / (double)s).ToArray(), new double[3]);
    }

    public int Channels => Scale.Length;

    /// <summary>True when some offset was a whole image rather than one value per channel.</summary>
    public bool HadSpatialOffset => OffsetSpatialStd.Any(s => s > 0);

    /// <summary>u' = u + constant (per channel, or a [C, H, W] image reduced to its channel means).</summary>
    public InputTransform Add(float[] constant, long[] shape, double sign, Func<string, Exception> invalid)
    {
        var (means, spreads) = PerChannel(constant, shape, invalid, allowSpatial: true);
        var offset = Offset.Select((o, c) => o + (sign * means[c])).ToArray();
        var spread = OffsetSpatialStd.Select((s, c) => Math.Sqrt((s * s) + (spreads[c] * spreads[c]))).ToArray();
        return this with { Offset = offset, OffsetSpatialStd = spread };
    }

    /// <summary>u' = u · factor (or u / factor), per channel.</summary>
    public InputTransform Multiply(float[] constant, long[] shape, bool divide, Func<string, Exception> invalid)
    {
        var (factors, _) = PerChannel(constant, shape, invalid, allowSpatial: false);
        var f = factors.Select(v => divide ? 1.0 / v : v).ToArray();
        return this with
        {
            Scale = Scale.Select((s, c) => s * f[c]).ToArray(),
            Offset = Offset.Select((o, c) => o * f[c]).ToArray(),
            OffsetSpatialStd = OffsetSpatialStd.Select((s, c) => s * Math.Abs(f[c])).ToArray(),
        };
    }

    /// <summary>Output channel c is input channel order[c] (a Split followed by a Concat in another order).</summary>
    public InputTransform Permute(int[] order) => new(
        order.Select(i => Scale[i]).ToArray(), order.Select(i => Source[i]).ToArray(),
        order.Select(i => Offset[i]).ToArray(), order.Select(i => OffsetSpatialStd[i]).ToArray());

    /// <summary>Applies this map after <paramref name="first"/>: u = this(first(p)).</summary>
    public InputTransform After(InputTransform first) => new(
        Scale.Select((s, c) => s * first.Scale[Source[c]]).ToArray(),
        Source.Select(i => first.Source[i]).ToArray(),
        Offset.Select((o, c) => (Scale[c] * first.Offset[Source[c]]) + o).ToArray(),
        OffsetSpatialStd.Select((s, c) => Math.Sqrt((s * s) + Math.Pow(Scale[c] * first.OffsetSpatialStd[Source[c]], 2))).ToArray());

    private (double[] Values, double[] Spread) PerChannel(float[] data, long[] shape, Func<string, Exception> invalid, bool allowSpatial)
    {
        int channels = Channels;
        var values = new double[channels];
        var spread = new double[channels];
        if (data.Length == 1)
        {
            Array.Fill(values, data[0]);
            return (values, spread);
        }

        // Broadcast against [N, C, H, W] aligns trailing dimensions: per channel means [C, 1, 1] or [C, H, W]
        // (leading 1s allowed). A 1-D [C] would align with the width, not the channels.
        long[] dims = shape.SkipWhile(d => d == 1).ToArray();
        if (shape.Length > 4 || dims.Length != 3 || dims[0] != channels)
            throw invalid($"a constant of shape [{string.Join(", ", shape)}] at the graph's input is not per channel");
        int perChannel = data.Length / channels;
        if (perChannel > 1 && !allowSpatial)
            throw invalid($"a spatially varying factor of shape [{string.Join(", ", shape)}] at the graph's input cannot be folded");
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, squares = 0;
            for (int i = 0; i < perChannel; i++)
            {
                double v = data[(c * perChannel) + i];
                sum += v;
                squares += v * v;
            }

            values[c] = sum / perChannel;
            spread[c] = Math.Sqrt(Math.Max(0, (squares / perChannel) - (values[c] * values[c])));
        }

        return (values, spread);
    }
}
