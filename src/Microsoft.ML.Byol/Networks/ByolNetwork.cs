using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Networks;

/// <summary>
/// The two BYOL networks: online (encoder f_θ → projector g_θ → predictor q_θ) and target (encoder f_ξ →
/// projector g_ξ, no predictor), the symmetric loss, and the EMA update ξ ← τ·ξ + (1 − τ)·θ. The target starts as
/// a copy of the online encoder and projector and is never trained by gradient.
/// </summary>
internal sealed class ByolNetwork : nn.Module
{
#pragma warning disable IDE1006 // Registered module names.
    private readonly ResNet online_encoder;
    private readonly Mlp online_projector;
    private readonly Mlp predictor;
    private readonly ResNet target_encoder;
    private readonly Mlp target_projector;
#pragma warning restore IDE1006

    public ByolNetwork(ResNetLayout layout, int projectorHidden, int projectionSize, int predictorHidden) : base(nameof(ByolNetwork))
    {
        online_encoder = new ResNet(layout);
        online_projector = new Mlp(layout.EmbeddingSize, projectorHidden, projectionSize);
        predictor = new Mlp(projectionSize, predictorHidden, projectionSize);
        target_encoder = new ResNet(layout);
        target_projector = new Mlp(layout.EmbeddingSize, projectorHidden, projectionSize);
        RegisterComponents();

        CopyInto(online_encoder, target_encoder);
        CopyInto(online_projector, target_projector);
        foreach (var p in TargetParameters())
            p.requires_grad = false;
    }

    /// <summary>The online encoder f_θ: the only network kept after training.</summary>
    public ResNet OnlineEncoder => online_encoder;

    /// <summary>The modules trained by the optimizer (encoder, projector, predictor), with their state_dict prefixes.</summary>
    public IEnumerable<(string Prefix, nn.Module Module)> OnlineModules()
    {
        yield return ("online_encoder", online_encoder);
        yield return ("online_projector", online_projector);
        yield return ("predictor", predictor);
    }

    /// <summary>Starts the online and the target encoder from <paramref name="initial"/>'s weights (the heads stay fresh).</summary>
    public void LoadEncoder(Import.ImportedEncoder initial)
    {
        Import.EncoderImport.CopyInto(initial, online_encoder);
        CopyInto(online_encoder, target_encoder);
    }

    /// <summary>
    /// Which online-encoder parameters train: none while <paramref name="frozen"/> (only the projector and predictor
    /// learn, and the optimiser skips the encoder); otherwise all, except the BatchNorm affine parameters when
    /// <paramref name="normFrozen"/> (torchvision's FrozenBatchNorm2d convention: statistics and affine terms fixed).
    /// </summary>
    public void SetTrainableEncoder(bool frozen, bool normFrozen)
    {
        foreach (var (_, module) in online_encoder.named_modules())
        {
            bool isNorm = module is TorchSharp.Modules.BatchNorm2d;
            foreach (var (_, p) in module.named_parameters(recurse: false))
                p.requires_grad = !frozen && !(isNorm && normFrozen);
        }
    }

    /// <summary>
    /// Training mode for the BYOL step. With <paramref name="encoderNormFrozen"/>, the BatchNorm layers of both
    /// encoders stay in eval mode: they normalise with (and keep) their running statistics; the heads' BatchNorm
    /// always uses batch statistics.
    /// </summary>
    public void TrainMode(bool encoderNormFrozen)
    {
        train();
        if (!encoderNormFrozen)
            return;
        foreach (var encoder in new[] { online_encoder, target_encoder })
            foreach (var (_, module) in encoder.named_modules())
                if (module is TorchSharp.Modules.BatchNorm2d norm)
                    norm.eval();
    }

    /// <summary>Whether the encoders' ReLUs overwrite their input (<see cref="Torch.StepKernels.InPlaceActivations"/>).</summary>
    public bool InPlaceActivations
    {
        get => online_encoder.InPlaceActivations;
        set => online_encoder.InPlaceActivations = target_encoder.InPlaceActivations = value;
    }

    /// <summary>Benchmark-only: reports the forward stages of both encoders as "online_STAGE" and "target_STAGE" (null: none).</summary>
    public void TimeEncoderStages(Action<string, TimeSpan>? report)
    {
        online_encoder.StageTimed = report is null ? null : (stage, t) => report("online_" + stage, t);
        target_encoder.StageTimed = report is null ? null : (stage, t) => report("target_" + stage, t);
    }

    /// <summary>Result of one forward pass over two views.</summary>
    /// <param name="Loss">Symmetrised loss ℓ(p, z′_ξ) + ℓ(p′, z_ξ), averaged over the batch (scalar, with gradient).</param>
    /// <param name="OnlineProjection">Online projection z of view 1 (for the collapse monitor).</param>
    public sealed record StepOutput(Tensor Loss, Tensor OnlineProjection);

    /// <summary>
    /// Runs online and target networks on both views; BatchNorm of both in training mode (batch statistics).
    /// Tensors are created in the caller's dispose scope.
    /// </summary>
    public StepOutput Forward(Tensor view1, Tensor view2)
    {
        var z1 = online_projector.call(online_encoder.call(view1));
        var z2 = online_projector.call(online_encoder.call(view2));
        var p1 = predictor.call(z1);
        var p2 = predictor.call(z2);
        Tensor t1, t2;
        using (no_grad())
        {
            t1 = target_projector.call(target_encoder.call(view1));
            t2 = target_projector.call(target_encoder.call(view2));
        }
        var loss = (ByolLoss.Regression(p1, t2) + ByolLoss.Regression(p2, t1)).mean();
        return new StepOutput(loss, z1);
    }

    /// <summary>ξ ← τ·ξ + (1 − τ)·θ over encoder and projector parameters (not BatchNorm running statistics).</summary>
    /// <remarks>The parameters are enumerated at each call: moving the module to a device replaces them.</remarks>
    public void UpdateTarget(double tau)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (online, target) in OnlineEmaParameters().Zip(TargetParameters()))
            target.lerp_(online, 1 - tau);
    }

    private IEnumerable<TorchSharp.Modules.Parameter> OnlineEmaParameters()
        => online_encoder.parameters().Concat(online_projector.parameters());

    private IEnumerable<TorchSharp.Modules.Parameter> TargetParameters()
        => target_encoder.parameters().Concat(target_projector.parameters());

    private static void CopyInto(nn.Module source, nn.Module destination)
    {
        using var noGrad = no_grad();
        var targets = destination.state_dict();
        foreach (var (name, tensor) in source.state_dict())
            targets[name].copy_(tensor);
    }
}
