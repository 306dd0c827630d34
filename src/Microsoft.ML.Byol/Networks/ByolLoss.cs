using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Networks;

/// <summary>The BYOL regression loss and the collapse statistic on projections.</summary>
internal static class ByolLoss
{
    /// <summary>
    /// ℓ(p, z) = ‖p/‖p‖ − z/‖z‖‖² = 2 − 2·cos(p, z), per row. <paramref name="target"/> must carry no gradient.
    /// </summary>
    public static Tensor Regression(Tensor prediction, Tensor target)
    {
        using var scope = NewDisposeScope();
        var p = nn.functional.normalize(prediction, p: 2, dim: 1);
        var z = nn.functional.normalize(target, p: 2, dim: 1);
        return (2 - 2 * (p * z).sum(1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mean over dimensions of the per-dimension standard deviation of L2-normalised projections. About
    /// 1/sqrt(d) for a healthy representation, near 0 when it collapses to a constant.
    /// </summary>
    public static double ProjectionStd(Tensor projections)
    {
        using var std = ProjectionStdOnDevice(projections);
        return std.ToDouble();
    }

    /// <summary><see cref="ProjectionStd"/> as a 0-dim float32 tensor on the projections' device (no host sync).</summary>
    public static Tensor ProjectionStdOnDevice(Tensor projections)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (projections.shape[0] < 2)
            return full(Array.Empty<long>(), float.NaN, ScalarType.Float32, projections.device).MoveToOuterDisposeScope();
        return nn.functional.normalize(projections.detach(), p: 2, dim: 1).std(0).mean().MoveToOuterDisposeScope();
    }
}
