using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// What one <see cref="ByolStep"/> leaves on the device: its symmetrised loss and the per-dimension std of the
/// normalised online projections (collapse monitor), as 0-dim float32 tensors outside any dispose scope. Whoever holds
/// it disposes it; <see cref="Read"/> waits for the device.
/// </summary>
internal sealed class StepOutput(Tensor loss, Tensor projectionStd) : IDisposable
{
    /// <summary>The symmetrised loss, 0-dim, no gradient.</summary>
    public Tensor Loss { get; } = loss;

    /// <summary>The projection std, 0-dim.</summary>
    public Tensor ProjectionStd { get; } = projectionStd;

    /// <summary>Both values on the host now (one wait for the device).</summary>
    public (double Loss, double ProjectionStd) Read()
    {
        using var scope = NewDisposeScope();
        var values = stack(new[] { Loss, ProjectionStd }).cpu().data<float>();
        return (values[0], values[1]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Loss.Dispose();
        ProjectionStd.Dispose();
    }
}
