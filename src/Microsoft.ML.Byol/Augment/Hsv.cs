using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>Hue rotation through the HSV cone, vectorised over a batch.</summary>
internal static class Hsv
{
    /// <summary>
    /// Rotates the hue of float [n,3,H,W] images in [0,1] by <paramref name="shift"/> turns ([n,1,1,1]),
    /// keeping saturation and value.
    /// </summary>
    public static torch.Tensor RotateHue(torch.Tensor rgb, torch.Tensor shift)
    {
        using var scope = torch.NewDisposeScope();
        var r = rgb.narrow(1, 0, 1);
        var g = rgb.narrow(1, 1, 1);
        var b = rgb.narrow(1, 2, 1);
        var value = rgb.amax(new long[] { 1 }, keepdim: true);
        var chroma = value - rgb.amin(new long[] { 1 }, keepdim: true);
        var saturation = chroma / torch.where(value.gt(0), value, torch.ones_like(value));

        // Hue in sixths of a turn: which channel is the largest picks the sector, the other two the offset in it.
        var safeChroma = torch.where(chroma.gt(0), chroma, torch.ones_like(chroma));
        var rc = (value - r) / safeChroma;
        var gc = (value - g) / safeChroma;
        var bc = (value - b) / safeChroma;
        var sixths = torch.where(value.eq(r), bc - gc, torch.where(value.eq(g), 2 + rc - bc, 4 + gc - rc));
        var hue = (sixths / 6 + shift).remainder(1.0);

        // Back to RGB: channel with offset n in {5, 3, 1} is V − V·S·clamp(min(k, 4 − k), 0, 1), k = (n + 6H) mod 6.
        var sixHue = hue * 6;
        torch.Tensor Channel(double offset)
        {
            var k = (sixHue + offset).remainder(6.0);
            return value - value * saturation * torch.minimum(k, 4 - k).clamp(0, 1);
        }

        return torch.cat(new[] { Channel(5), Channel(3), Channel(1) }, 1).MoveToOuterDisposeScope();
    }
}
