using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Training;

/// <summary>The host values of one step, as read by <see cref="StepValueQueue.Read"/>.</summary>
/// <param name="Step">Zero-based index of the step (the report's step count is one more).</param>
/// <param name="LearningRate">Learning rate of the step.</param>
/// <param name="Tau">EMA rate of the step.</param>
/// <param name="Loss">Symmetrised loss of the step.</param>
/// <param name="ProjectionStd">Projection std of the step (collapse monitor).</param>
internal readonly record struct StepValues(long Step, double LearningRate, double Tau, double Loss, double ProjectionStd);

/// <summary>
/// The steps whose values are still on the device. <see cref="Read"/> copies all of them to the host at once (one wait
/// for the device however many steps are pending) and returns them in step order, so that the NaN guard, the collapse
/// monitor and progress see every step. Owns the pending tensors.
/// </summary>
internal sealed class StepValueQueue : IDisposable
{
    private readonly List<(long Step, double LearningRate, double Tau, StepOutput Output)> _pending = new();

    /// <summary>Steps waiting to be read.</summary>
    public int Count => _pending.Count;

    /// <summary>Queues the output of step <paramref name="step"/>; the queue owns <paramref name="output"/> from now on.</summary>
    public void Add(long step, double learningRate, double tau, StepOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _pending.Add((step, learningRate, tau, output));
    }

    /// <summary>The values of every pending step, oldest first; the queue is empty afterwards.</summary>
    public IReadOnlyList<StepValues> Read()
    {
        int n = _pending.Count;
        if (n == 0)
            return Array.Empty<StepValues>();
        try
        {
            using var scope = NewDisposeScope();
            var tensors = _pending.Select(p => p.Output.Loss).Concat(_pending.Select(p => p.Output.ProjectionStd)).ToArray();
            float[] values = stack(tensors).cpu().data<float>().ToArray();
            return _pending.Select((p, i) => new StepValues(p.Step, p.LearningRate, p.Tau, values[i], values[n + i])).ToArray();
        }
        finally
        {
            Clear();
        }
    }

    /// <summary>Disposes the pending tensors unread.</summary>
    public void Dispose() => Clear();

    private void Clear()
    {
        foreach (var pending in _pending)
            pending.Output.Dispose();
        _pending.Clear();
    }
}
