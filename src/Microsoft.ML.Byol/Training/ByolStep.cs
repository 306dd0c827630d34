using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Optim;
using Microsoft.ML.Byol.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// One BYOL update, as the paper's algorithm states it: two augmented views of a batch, the online prediction of the
/// target's projection of the other view, the symmetric loss, a LARS step on θ, then the EMA step on ξ.
/// All tensors of a step live in one dispose scope.
/// </summary>
internal sealed class ByolStep
{
    private readonly ByolNetwork _network;
    private readonly Lars _optimizer;
    private readonly ViewAugmenter _t;
    private readonly ViewAugmenter _tPrime;
    private readonly Device _device;
    private readonly PhaseTimer? _phases;
    private readonly StepKernels _kernels;

    /// <summary>A step over <paramref name="network"/>; <paramref name="kernels"/> (default: <see cref="StepKernels.Default"/>)
    /// sets the activations' memory format and the ReLUs of the encoders.</summary>
    public ByolStep(ByolNetwork network, Lars optimizer, RunConfiguration run, Device device, PhaseTimer? phases = null, StepKernels? kernels = null)
    {
        _network = network;
        _optimizer = optimizer;
        _t = new ViewAugmenter(run.View1, run.Encoder.ImageSize);
        _tPrime = new ViewAugmenter(run.View2, run.Encoder.ImageSize);
        _device = device;
        _phases = phases;
        _kernels = kernels ?? StepKernels.Default;
        network.InPlaceActivations = _kernels.InPlaceActivations;
        network.TimeEncoderStages(phases is { TimesStages: true } ? phases.AddStage : null);
    }

    /// <summary>
    /// Runs one update on the uint8 batch <paramref name="pixels"/> [B, C, H, W] (with its images' content boxes, or
    /// null when they fill their squares: <see cref="Data.ImageStore.ContentOf"/>) at learning rate <paramref name="lr"/>
    /// and EMA rate <paramref name="tau"/>. Returns the step's loss and projection std as 0-dim tensors on the device,
    /// owned by the caller: reading them is what waits for the device (<see cref="StepValueQueue"/>).
    /// </summary>
    public StepOutput Run(Tensor pixels, IReadOnlyList<CropBox>? content, double lr, double tau, Generator generator)
    {
        using var scope = NewDisposeScope();
        var x = ByteImages.ToFloatRgb(pixels, _device);
        var v = _kernels.Layout(_t.Apply(x, generator, content));            // v = t(x), every random value drawn per image
        var vPrime = _kernels.Layout(_tPrime.Apply(x, generator, content));  // v′ = t′(x)
        _phases?.End(PhaseTimer.Phase.Augment);

        var output = _network.Forward(v, vPrime);        // L = ℓ(q(z), sg(z′ξ)) + ℓ(q(z′), sg(zξ))
        _phases?.End(PhaseTimer.Phase.Forward);
        _optimizer.ZeroGrad();
        output.Loss.backward();
        _phases?.End(PhaseTimer.Phase.Backward);

        _optimizer.Step(lr);                             // θ ← LARS(θ, ∇θ L, lr)
        _phases?.End(PhaseTimer.Phase.Optimizer);
        _network.UpdateTarget(tau);                      // ξ ← τ·ξ + (1 − τ)·θ
        _phases?.End(PhaseTimer.Phase.Ema);

        var loss = output.Loss.detach();
        var std = ByolLoss.ProjectionStdOnDevice(output.OnlineProjection);
        return new StepOutput(loss.DetachFromDisposeScope(), std.DetachFromDisposeScope());
    }

    /// <summary>The optimiser's parameters: online encoder (at the run's encoder learning-rate scale), projector, predictor.</summary>
    public static IReadOnlyList<LarsParameter> Parameters(ByolNetwork network, RunConfiguration run)
        => network.OnlineModules()
            .SelectMany(m => LarsParameters.From(m.Module, m.Prefix)
                .Select(p => m.Module == network.OnlineEncoder ? p with { LearningRateScale = run.EncoderLearningRateScale } : p))
            .ToList();

    /// <summary>The network of a run, on the device, with its starting weights.</summary>
    public static ByolNetwork CreateNetwork(RunConfiguration run, Import.ImportedEncoder? initial, Device device)
    {
        var network = new ByolNetwork(run.Encoder.Layout(), run.ProjectorHiddenSize, run.ProjectionSize, run.PredictorHiddenSize);
        try
        {
            if (initial is not null)
                network.LoadEncoder(initial);
            network.to(device);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
