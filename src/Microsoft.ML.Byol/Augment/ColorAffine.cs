using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>
/// Brightness, contrast and saturation are affine maps of each pixel's colour vector: x′ = M x + b + w · mean luma.
/// One image's change is a 3×3 matrix M, a constant bias b and a weight w on the image's mean gray level (contrast),
/// so images with different ops and amounts are changed together by one batched matrix product.
/// </summary>
internal readonly record struct ColorAffine(float[] Matrix, float[] Bias, float MeanLumaWeight)
{
    /// <summary>The luma weights (R, G, B) shared with <see cref="Grayscale"/>.</summary>
    public static readonly float[] LumaWeights = { 0.2989f, 0.5870f, 0.1140f };

    /// <summary>The map that changes nothing.</summary>
    public static ColorAffine Identity => Scale(1f);

    /// <summary>Multiplicative brightness: x′ = f x.</summary>
    public static ColorAffine Scale(float factor)
        => new(new[] { factor, 0, 0, 0, factor, 0, 0, 0, factor }, new float[3], 0f);

    /// <summary>Additive brightness: x′ = x + d.</summary>
    public static ColorAffine Shift(float delta) => Identity with { Bias = new[] { delta, delta, delta } };

    /// <summary>Contrast: blend with the image's mean gray level, x′ = f x + (1 − f) mean luma.</summary>
    public static ColorAffine Contrast(float factor) => Scale(factor) with { MeanLumaWeight = 1 - factor };

    /// <summary>Saturation: blend with the pixel's gray level, x′ = f x + (1 − f) luma(x).</summary>
    public static ColorAffine Saturation(float factor)
    {
        var m = new float[9];
        for (int row = 0; row < 3; row++)
        {
            for (int col = 0; col < 3; col++)
            {
                m[row * 3 + col] = (row == col ? factor : 0) + (1 - factor) * LumaWeights[col];
            }
        }

        return new ColorAffine(m, new float[3], 0f);
    }

    /// <summary>Applies image i's map <paramref name="maps"/>[i] to float [B,3,H,W] images (unclamped).</summary>
    public static torch.Tensor Apply(torch.Tensor rgb, IReadOnlyList<ColorAffine> maps)
    {
        long count = rgb.shape[0];
        var matrices = new float[count * 9];
        var biases = new float[count * 3];
        var weights = new float[count];
        for (int i = 0; i < count; i++)
        {
            maps[i].Matrix.CopyTo(matrices, i * 9);
            maps[i].Bias.CopyTo(biases, i * 3);
            weights[i] = maps[i].MeanLumaWeight;
        }

        using var scope = torch.NewDisposeScope();
        var device = rgb.device;
        var pixels = rgb.reshape(count, 3, -1);
        var bias = HostToDevice.Tensor(biases, new long[] { count, 3, 1 }, device);
        if (weights.Any(w => w != 0))
        {
            // Mean luma is linear: luma weights · per-channel means.
            var luma = HostToDevice.Tensor(LumaWeights, new long[] { 1, 1, 3 }, device);
            var meanLuma = luma.matmul(pixels.mean(new long[] { 2 }, keepdim: true));
            bias = bias + HostToDevice.Tensor(weights, new long[] { count, 1, 1 }, device) * meanLuma;
        }

        var m = HostToDevice.Tensor(matrices, new long[] { count, 3, 3 }, device);
        return m.matmul(pixels).add_(bias).view(rgb.shape).MoveToOuterDisposeScope();
    }
}
