using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>ImageNet normalisation: per channel (x − mean) / std, the statistics the exported encoder also applies.</summary>
internal static class Normalize
{
    /// <summary>ImageNet channel means (R, G, B).</summary>
    public static readonly float[] Mean = { 0.485f, 0.456f, 0.406f };

    /// <summary>ImageNet channel standard deviations (R, G, B).</summary>
    public static readonly float[] Std = { 0.229f, 0.224f, 0.225f };

    /// <summary>Normalises float [B,3,H,W] images in [0,1].</summary>
    public static torch.Tensor ImageNet(torch.Tensor rgb)
    {
        using var scope = torch.NewDisposeScope();
        var mean = HostToDevice.Tensor(Mean, new long[] { 1, 3, 1, 1 }, rgb.device);
        var std = HostToDevice.Tensor(Std, new long[] { 1, 3, 1, 1 }, rgb.device);
        return ((rgb - mean) / std).MoveToOuterDisposeScope();
    }
}
