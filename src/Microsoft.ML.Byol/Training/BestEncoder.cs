using Microsoft.ML.Byol.Networks;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// Keeps a CPU copy of the online encoder at its best monitored accuracy, so a run that the monitor sees getting
/// worse still returns its best encoder (the starting one included).
/// </summary>
internal sealed class BestEncoder : IDisposable
{
    private Dictionary<string, Tensor>? _weights;

    /// <summary>Step of the kept encoder (0 = the starting encoder).</summary>
    public long Step { get; private set; } = -1;

    /// <summary>Monitored accuracy of the kept encoder.</summary>
    public double Accuracy { get; private set; } = double.NegativeInfinity;

    /// <summary>Keeps <paramref name="encoder"/> when <paramref name="accuracy"/> beats the kept one; true if it did.</summary>
    public bool Offer(ResNet encoder, long step, double accuracy)
    {
        if (!(accuracy > Accuracy))
            return false;
        Release();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();   // detach() and cpu() make handles too: released here, not by the finalizer
        _weights = encoder.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone().DetachFromDisposeScope());
        (Step, Accuracy) = (step, accuracy);
        return true;
    }

    /// <summary>Writes the kept weights (and BatchNorm statistics) into <paramref name="encoder"/>.</summary>
    public void RestoreInto(ResNet encoder)
    {
        if (_weights is null)
            throw new InvalidOperationException("No encoder has been kept.");
        using var noGrad = no_grad();
        foreach (var (name, tensor) in encoder.state_dict())
            tensor.copy_(_weights[name]);
    }

    public void Dispose() => Release();

    private void Release()
    {
        if (_weights is null)
            return;
        foreach (var t in _weights.Values)
            t.Dispose();
        _weights = null;
    }
}
