using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>
/// Random colour jitter: with a per-image probability, brightness, contrast, saturation and hue are changed by
/// per-image random amounts, in a per-image random order, clamping to [0,1] after each. Vectorised by position:
/// at each of the four positions, the images whose op there is brightness are changed together, then those with
/// contrast, and so on (each image is touched once per position; no per-image tensor loop).
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
        var current = rgb;
        for (int position = 0; position < OpCount; position++)
        {
            for (int op = 0; op < OpCount; op++)
            {
                int[] chosen = Enumerable.Range(0, count)
                    .Where(i => applyDraws[i] < options.ColorJitterProbability && orders[i][position] == op)
                    .ToArray();
                var kind = (Op)op;
                var amount = amounts[op];
                current = ImageSubset.Update(current, chosen, sub =>
                {
                    using var scope = torch.NewDisposeScope();
                    var column = PerImageRandom.Column(amount, chosen, sub.device);
                    return Change(kind, sub, column, options.BrightnessIsAdditive).clamp(0, 1).MoveToOuterDisposeScope();
                });
            }
        }

        return current;
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

    /// <summary>Applies one op to float [n,3,H,W] images with per-image amounts [n,1,1,1] (unclamped).</summary>
    internal static torch.Tensor Change(Op op, torch.Tensor rgb, torch.Tensor amount, bool additiveBrightness)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor result;
        switch (op)
        {
            case Op.Brightness:
                result = additiveBrightness ? rgb + amount : rgb * amount;
                break;
            case Op.Contrast:
                var mean = Grayscale.Luma(rgb).mean(new long[] { 1, 2, 3 }, keepdim: true);
                result = mean + amount * (rgb - mean);
                break;
            case Op.Saturation:
                var gray = Grayscale.Luma(rgb);
                result = gray + amount * (rgb - gray);
                break;
            default:
                result = Hsv.RotateHue(rgb, amount);
                break;
        }

        return result.MoveToOuterDisposeScope();
    }
}
