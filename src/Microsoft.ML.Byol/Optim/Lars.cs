using TorchSharp;

namespace Microsoft.ML.Byol.Optim;

/// <summary>
/// LARS as in the official BYOL code: for an adapted parameter u = g + wd·p and u ← u·η‖p‖/‖u‖ (ratio 1 when either
/// norm is 0); for an excluded one (bias, norm layer) u = g. Then m ← momentum·m + u and p ← p − lr·m
/// (no Nesterov, no dampening). The trust ratio stays on the parameter's device: no host sync per parameter.
/// </summary>
internal sealed class Lars : IDisposable
{
    private readonly LarsParameter[] _parameters;
    private readonly Dictionary<string, LarsParameter> _byName;
    private readonly Dictionary<string, torch.Tensor> _momentum = new(StringComparer.Ordinal);
    private readonly double _momentumFactor;
    private readonly double _weightDecay;
    private readonly double _trustCoefficient;
    private bool _disposed;

    /// <summary>Creates the optimizer; parameter names must be unique (they key the momentum state).</summary>
    public Lars(IReadOnlyList<LarsParameter> parameters, double momentum = 0.9, double weightDecay = 1.5e-6, double trustCoefficient = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        RequireNonNegative(momentum, nameof(momentum));
        RequireNonNegative(weightDecay, nameof(weightDecay));
        RequireNonNegative(trustCoefficient, nameof(trustCoefficient));
        _parameters = parameters.ToArray();
        _byName = new Dictionary<string, LarsParameter>(StringComparer.Ordinal);
        foreach (var p in _parameters)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (!_byName.TryAdd(p.Name, p))
            {
                throw new ArgumentException($"Duplicate LARS parameter name '{p.Name}'.", nameof(parameters));
            }
        }

        _momentumFactor = momentum;
        _weightDecay = weightDecay;
        _trustCoefficient = trustCoefficient;
    }

    /// <summary>
    /// Momentum buffers by parameter name, only for parameters that have been stepped (or loaded). The tensors are
    /// owned by the optimizer and change at each <see cref="Step"/>: copy them to keep a snapshot; do not dispose them.
    /// </summary>
    public IReadOnlyDictionary<string, torch.Tensor> MomentumState
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _momentum;
        }
    }

    /// <summary>
    /// Applies one update with learning rate <paramref name="learningRate"/> (times each parameter's
    /// <see cref="LarsParameter.LearningRateScale"/>); parameters without a gradient (frozen ones) are skipped.
    /// </summary>
    public void Step(double learningRate)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!double.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be finite.");
        }

        using var noGrad = torch.no_grad();
        foreach (var entry in _parameters)
        {
            using var scope = torch.NewDisposeScope();
            var p = entry.Parameter;
            var g = p.grad;
            if (g is null)
            {
                continue;
            }

            var m = MomentumBuffer(entry).mul_(_momentumFactor);
            if (entry.Excluded)
            {
                m.add_(g);
            }
            else
            {
                var (u, trust) = DecayedUpdateAndTrust(p, g);
                m.addcmul_(u, trust, 1.0);
            }

            p.add_(m, alpha: -learningRate * entry.LearningRateScale);
        }
    }

    /// <summary>Zeroes the gradient of every parameter that has one.</summary>
    public void ZeroGrad()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var noGrad = torch.no_grad();
        foreach (var entry in _parameters)
        {
            using var scope = torch.NewDisposeScope();
            entry.Parameter.grad?.zero_();
        }
    }

    /// <summary>
    /// Replaces the momentum state with copies of <paramref name="state"/>. Every name must be a parameter of this
    /// optimizer and every shape must match it, or nothing is changed and an <see cref="ArgumentException"/> is thrown.
    /// Parameters absent from the state start again from a zero buffer.
    /// </summary>
    public void LoadMomentumState(IReadOnlyDictionary<string, torch.Tensor> state)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(state);
        foreach (var (name, tensor) in state)
        {
            if (!_byName.TryGetValue(name, out var entry))
            {
                throw new ArgumentException($"Momentum state names '{name}', which is not a parameter of this optimizer.", nameof(state));
            }

            ArgumentNullException.ThrowIfNull(tensor, nameof(state));
            if (!tensor.shape.SequenceEqual(entry.Parameter.shape))
            {
                throw new ArgumentException(
                    $"Momentum state for '{name}' has shape [{string.Join(", ", tensor.shape)}]; the parameter has [{string.Join(", ", entry.Parameter.shape)}].",
                    nameof(state));
            }
        }

        ClearMomentum();
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in state)
        {
            var p = _byName[name].Parameter;
            var copy = tensor.detach().to(p.dtype, p.device, copy: true);
            copy.DetachFromDisposeScope();
            _momentum[name] = copy;
        }
    }

    /// <summary>Disposes the momentum buffers (not the parameters).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        ClearMomentum();
        _disposed = true;
    }

    /// <summary>u = g + wd·p and the 0-dim trust ratio η‖p‖/‖u‖ (1 where either norm is 0), both left on the device.</summary>
    private (torch.Tensor Update, torch.Tensor Trust) DecayedUpdateAndTrust(torch.Tensor p, torch.Tensor g)
    {
        var u = _weightDecay == 0.0 ? g : g.add(p, alpha: _weightDecay);
        var parameterNorm = p.norm();
        var updateNorm = u.norm();
        var ratio = parameterNorm.mul(_trustCoefficient).div_(updateNorm);
        var bothPositive = parameterNorm.gt(0.0).logical_and_(updateNorm.gt(0.0));
        return (u, torch.where(bothPositive, ratio, torch.ones_like(ratio)));
    }

    private torch.Tensor MomentumBuffer(LarsParameter entry)
    {
        if (!_momentum.TryGetValue(entry.Name, out var buffer))
        {
            buffer = torch.zeros_like(entry.Parameter, requires_grad: false);
            buffer.DetachFromDisposeScope();
            _momentum[entry.Name] = buffer;
        }

        return buffer;
    }

    private void ClearMomentum()
    {
        foreach (var tensor in _momentum.Values)
        {
            tensor.Dispose();
        }

        _momentum.Clear();
    }

    private static void RequireNonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be finite and non-negative.");
        }
    }
}
