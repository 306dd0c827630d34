using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>
/// Random colour jitter: with a per-image probability, brightness, contrast, saturation and hue are changed by
/// per-image random amounts, in a per-image random order, clamping to [0,1] after each. Vectorised by position:
/// at each of the four positions, every image whose op there is brightness, contrast or saturation is changed by one
/// batched affine colour map (<see cref="ColorAffine"/>), then the images whose op there is hue are rotated together
/// in HSV (no per-image tensor loop).
/// </summary>
internal static class ColorJitter
{
    /// <summary>The four jitter operations, in the order their strengths are drawn.</summary>
    internal enum Op
    {
        Brightness = 0,
        Contrast = 1,
        Saturation = 2,
        Hue = 3,
    }

    private const int OpCount = 4;

    /// <summary>Jitters each image of float [B,3,H,W] in [0,1] with probability <see cref="ByolViewOptions.ColorJitterProbability"/>.</summary>
    public static torch.Tensor Apply(torch.Tensor rgb, ByolViewOptions options, torch.Generator generator)
    {
        int count = (int)rgb.shape[0];
        float[] applyDraws = PerImageRandom.Uniform(generator, count);
        float[] strengthDraws = PerImageRandom.Uniform(generator, count, OpCount);
        float[] orderDraws = PerImageRandom.Uniform(generator, count, OpCount);

        var amounts = new float[OpCount][];
        for (int op = 0; op < OpCount; op++)
        {
            amounts[op] = Enumerable.Range(0, count).Select(i => Amount((Op)op, strengthDraws[i * OpCount + op], options)).ToArray();
        }

        int[][] orders = Enumerable.Range(0, count).Select(i => Order(orderDraws.AsSpan(i * OpCount, OpCount))).ToArray();
        bool[] jittered = applyDraws.Select(u => u < options.ColorJitterProbability).ToArray();
        using var jitterScope = torch.NewDisposeScope();
        var current = rgb;
        for (int position = 0; position < OpCount; position++)
        {
            // Brightness, contrast and saturation of every image at this position: one batched affine map.
            var maps = new ColorAffine[count];
            bool anyAffine = false;
            for (int i = 0; i < count; i++)
            {
                var op = (Op)orders[i][position];
                bool affine = jittered[i] && op != Op.Hue;
                maps[i] = affine ? Affine(op, amounts[(int)op][i], options.BrightnessIsAdditive) : ColorAffine.Identity;
                anyAffine |= affine;
            }

            if (anyAffine)
            {
                current = ColorAffine.Apply(current, maps).clamp_(0, 1);
            }

            // Hue of the images whose op at this position is hue.
            int[] hue = Enumerable.Range(0, count).Where(i => jittered[i] && orders[i][position] == (int)Op.Hue).ToArray();
            current = ImageSubset.Update(current, hue, sub =>
            {
                using var scope = torch.NewDisposeScope();
                var shift = PerImageRandom.Column(amounts[(int)Op.Hue], hue, sub.device);
                return Hsv.RotateHue(sub, shift).clamp_(0, 1).MoveToOuterDisposeScope();
            });
        }

        return ReferenceEquals(current, rgb) ? rgb : current.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One image's amount for an op from a uniform draw: a blend factor in [max(0, 1 − s), 1 + s] for brightness
    /// (multiplicative), contrast and saturation; a delta in [−s, s] for additive brightness; a hue shift in turns in [−s, s].
    /// </summary>
    internal static float Amount(Op op, float uniform, ByolViewOptions options)
    {
        double strength = op switch
        {
            Op.Brightness => options.Brightness,
            Op.Contrast => options.Contrast,
            Op.Saturation => options.Saturation,
            _ => options.Hue,
        };
        bool isDelta = op == Op.Hue || (op == Op.Brightness && options.BrightnessIsAdditive);
        double low = isDelta ? -strength : Math.Max(0, 1 - strength);
        double high = isDelta ? strength : 1 + strength;
        return (float)(low + (high - low) * uniform);
    }

    /// <summary>The permutation that sorts one image's four order draws: element k is the op applied k-th.</summary>
    internal static int[] Order(ReadOnlySpan<float> draws)
    {
        var keys = draws.ToArray();
        var ops = Enumerable.Range(0, OpCount).ToArray();
        Array.Sort(keys, ops);
        return ops;
    }

    /// <summary>The affine colour map of brightness, contrast or saturation with the given amount.</summary>
    internal static ColorAffine Affine(Op op, float amount, bool additiveBrightness) => op switch
    {
        Op.Brightness => additiveBrightness ? ColorAffine.Shift(amount) : ColorAffine.Scale(amount),
        Op.Contrast => ColorAffine.Contrast(amount),
        Op.Saturation => ColorAffine.Saturation(amount),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Hue is not an affine map of the colour."),
    };

    /// <summary>Applies one op with per-image amounts to float [n,3,H,W] images (unclamped), as <see cref="Apply"/> does.</summary>
    internal static torch.Tensor Change(Op op, torch.Tensor rgb, float[] amounts, bool additiveBrightness)
    {
        if (op == Op.Hue)
        {
            using var scope = torch.NewDisposeScope();
            var shift = HostToDevice.Tensor(amounts, new long[] { amounts.Length, 1, 1, 1 }, rgb.device);
            return Hsv.RotateHue(rgb, shift).MoveToOuterDisposeScope();
        }

        return ColorAffine.Apply(rgb, amounts.Select(a => Affine(op, a, additiveBrightness)).ToArray());
    }
}
