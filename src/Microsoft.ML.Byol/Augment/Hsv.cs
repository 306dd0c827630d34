using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>Hue rotation through the HSV cone, vectorised over a batch.</summary>
internal static class Hsv
{
    /// <summary>
    /// Rotates the hue of float [n,3,H,W] images in [0,1] by <paramref name="shift"/> turns ([n,1,1,1]),
    /// keeping saturation and value (so each pixel's largest and smallest channel values).
    /// </summary>
    public static torch.Tensor RotateHue(torch.Tensor rgb, torch.Tensor shift)
    {
        using var scope = torch.NewDisposeScope();
        var r = rgb.narrow(1, 0, 1);
        var g = rgb.narrow(1, 1, 1);
        var b = rgb.narrow(1, 2, 1);
        var value = rgb.amax(new long[] { 1 }, keepdim: true);
        var chroma = value - rgb.amin(new long[] { 1 }, keepdim: true);

        // Hue in sixths of a turn: the largest channel picks the sector, the other two the offset in it.
        var safeChroma = chroma.clamp_min(1e-12);
        var sixths = torch.where(value.eq(r), (g - b) / safeChroma,
            torch.where(value.eq(g), 2 + (b - r) / safeChroma, 4 + (r - g) / safeChroma));
        var sixHue = sixths.add_(shift * 6);

        // Back to RGB, all channels at once: channel with offset n in {5, 3, 1} is V − C·clamp(min(k, 4 − k), 0, 1),
        // k = (n + 6H) mod 6 (C = V·S is the chroma, unchanged by the rotation).
        var offsets = HostToDevice.Tensor(new[] { 5f, 3f, 1f }, new long[] { 1, 3, 1, 1 }, rgb.device);
        var k = (sixHue + offsets).remainder(6.0);
        var ramp = torch.minimum(k, 4 - k).clamp_(0, 1);
        return (value - chroma * ramp).MoveToOuterDisposeScope();
    }
}
