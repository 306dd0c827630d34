using Microsoft.ML.Byol.Input;
using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>
/// ImageNet normalisation: per channel (x − mean) / std with the input contract's statistics
/// (<see cref="ImageNetNormalization"/>), which the exported encoder also applies.
/// </summary>
internal static class Normalize
{
    private static readonly float[] Mean = ImageNetNormalization.Mean.ToArray();
    private static readonly float[] Std = ImageNetNormalization.Std.ToArray();

    /// <summary>Normalises float [B,3,H,W] images in [0,1].</summary>
    public static torch.Tensor ImageNet(torch.Tensor rgb)
    {
        using var scope = torch.NewDisposeScope();
        var mean = HostToDevice.Tensor(Mean, new long[] { 1, 3, 1, 1 }, rgb.device);
        var std = HostToDevice.Tensor(Std, new long[] { 1, 3, 1, 1 }, rgb.device);
        return ((rgb - mean) / std).MoveToOuterDisposeScope();
    }
}
