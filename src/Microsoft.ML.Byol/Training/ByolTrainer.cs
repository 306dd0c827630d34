using System.Diagnostics;
using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Optim;
using Microsoft.ML.Byol.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// The BYOL experiment: shuffled drop-last batches from an <see cref="ImageStore"/>, two augmented views per image,
/// online/target forward and symmetric loss, backward, LARS step at the scheduled learning rate, EMA target update
/// at the scheduled τ; progress, cancellation, collapse monitor and atomic checkpoints with resume.
/// Independent of ML.NET: it works on tensors.
/// </summary>
internal sealed class ByolTrainer
{
    private readonly ByolOptions _options;
    private readonly int _seed;
    private readonly Action<string> _log;

    /// <param name="options">Validated options.</param>
    /// <param name="seed">Seed of weights, shuffling and augmentation.</param>
    /// <param name="log">Receives human-readable messages (device, resume, checkpoints, collapse warnings).</param>
    public ByolTrainer(ByolOptions options, int seed, Action<string>? log = null)
    {
        _options = options;
        _seed = seed;
        _log = log ?? (_ => { });
    }

    /// <summary>Trains on <paramref name="store"/>; the caller owns the result.</summary>
    public ByolTrainingResult Train(ImageStore store)
    {
        foreach (var line in TorchRuntime.EnsureInitialized())
            _log(line);
        var plan = TrainingPlan.For(_options, store.Count);
        var device = TorchRuntime.ResolveDevice(_options.Device);
        TorchRuntime.SetThreads(_options.NumberOfThreads);
        TorchRuntime.Seed(_seed);
        _log($"BYOL: {_options.Architecture} ×{_options.WidthMultiplier} ({(_options.UsesSmallImageStem ? "small-image" : "standard")} stem) at {_options.ImageSize} px on {device}; " +
             $"{store.Count} images, batch {plan.BatchSize}, {plan.StepsPerEpoch} steps/epoch, {plan.TotalSteps} steps, " +
             $"warm-up {plan.WarmupSteps} steps, peak lr {plan.PeakLearningRate:G4}, τ base {_options.TauBase}.");

        var network = new ByolNetwork(_options.Layout, _options.ProjectorHiddenSize, _options.ProjectionSize, _options.PredictorHiddenSize);
        try
        {
            network.to(device);
            return Run(network, store, plan, device);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private ByolTrainingResult Run(ByolNetwork network, ImageStore store, TrainingPlan plan, Device device)
    {
        var parameters = network.OnlineModules().SelectMany(m => LarsParameters.From(m.Module, m.Prefix)).ToList();
        using var optimizer = new Lars(parameters, weightDecay: _options.WeightDecay, trustCoefficient: _options.TrustCoefficient);
        using var generator = new Generator((ulong)_seed);
        var view1 = new ViewAugmenter(_options.View1, _options.ImageSize);
        var view2 = new ViewAugmenter(_options.View2, _options.ImageSize);
        var collapse = new CollapseMonitor(_options.ProjectionSize);
        var checkpoints = _options.CheckpointDirectory is { } dir
            ? new CheckpointStore(dir, _options.CheckpointsToKeep, RunFingerprint(plan, store))
            : null;

        long step = 0;
        long[] permutation = Array.Empty<long>();
        double? lastLoss = null;
        if (checkpoints?.TryResume(network, optimizer, generator, out var resumed) == true)
        {
            step = resumed.Step;
            permutation = resumed.Permutation;
            lastLoss = resumed.Metadata.LastLoss;
            collapse = new CollapseMonitor(_options.ProjectionSize, streak: resumed.Metadata.CollapseStreak);
            _log($"BYOL: resumed from {resumed.Path} at step {step} of {plan.TotalSteps}.");
        }
        long resumedFrom = step;

        network.train();
        var phases = PhaseTimer.FromEnvironment();
        var history = new List<(long, double)>();
        var clock = Stopwatch.StartNew();
        var window = new ThroughputWindow(20);
        bool collapseReported = false;
        try
        {
            for (; step < plan.TotalSteps; step++)
            {
                _options.CancellationToken.ThrowIfCancellationRequested();
                long inEpoch = step % plan.StepsPerEpoch;
                if (inEpoch == 0 || permutation.Length != store.Count)
                    permutation = Shuffle(store.Count, generator);

                double lr = plan.LearningRateAt(step);
                double tau = TauSchedule.At(step, plan.TotalSteps, _options.TauBase);
                double loss, projectionStd;
                phases?.StartStep();
                using (var scope = NewDisposeScope())
                {
                    using var pixels = store.Gather(permutation.AsSpan(checked((int)(inEpoch * plan.BatchSize)), plan.BatchSize));
                    var images = ByteImages.ToFloatRgb(pixels, device);
                    var v1 = view1.Apply(images, generator);
                    var v2 = view2.Apply(images, generator);
                    phases?.End(PhaseTimer.Phase.Augment);
                    var output = network.Forward(v1, v2);
                    phases?.End(PhaseTimer.Phase.Forward);
                    optimizer.ZeroGrad();
                    output.Loss.backward();
                    phases?.End(PhaseTimer.Phase.Backward);
                    optimizer.Step(lr);
                    phases?.End(PhaseTimer.Phase.Optimizer);
                    network.UpdateTarget(tau);
                    phases?.End(PhaseTimer.Phase.Ema);
                    loss = output.Loss.item<float>();
                    projectionStd = ByolLoss.ProjectionStd(output.OnlineProjection);
                }
                if (!double.IsFinite(loss))
                    throw new InvalidOperationException(
                        $"BYOL loss became {loss} at step {step + 1}; lower ByolOptions.BaseLearningRate (now {_options.BaseLearningRate}) or check the input images.");
                lastLoss = loss;
                history.Add((step + 1, loss));
                bool suspected = collapse.Observe(projectionStd);
                if (suspected && !collapseReported)
                {
                    collapseReported = true;
                    _log($"BYOL WARNING: the representation looks collapsed: projection std {projectionStd:G3} has stayed below " +
                         $"{collapse.Threshold:G3} (a quarter of 1/sqrt({_options.ProjectionSize})) for {collapse.Patience} steps. " +
                         "Check that both views are augmented, the learning rate is not too high and the batch is not tiny.");
                }
                window.Add(clock.Elapsed, plan.BatchSize);
                _options.Progress?.Report(new ByolProgress((int)(step / plan.StepsPerEpoch), step + 1, plan.TotalSteps, loss, tau, lr,
                    window.ItemsPerSecond, clock.Elapsed, projectionStd, suspected));

                if (checkpoints is not null && (step + 1) % _options.CheckpointEverySteps == 0 && step + 1 < plan.TotalSteps)
                    _log($"BYOL: checkpoint {checkpoints.Save(step + 1, network, optimizer, generator, permutation, lastLoss, collapse.Streak)}");
                phases?.EndStep();
            }
        }
        catch (OperationCanceledException) when (checkpoints is not null && step > resumedFrom)
        {
            _log($"BYOL: cancelled at step {step}; checkpoint {checkpoints.Save(step, network, optimizer, generator, permutation, lastLoss, collapse.Streak)}");
            throw;
        }
        if (checkpoints is not null && step > resumedFrom)
            _log($"BYOL: final checkpoint {checkpoints.Save(step, network, optimizer, generator, permutation, lastLoss, collapse.Streak)}");

        if (phases is not null)
            _log(phases.Summary());
        network.eval();
        network.to(CPU);
        _log($"BYOL: {step - resumedFrom} steps in {clock.Elapsed:hh\\:mm\\:ss}; final loss {lastLoss?.ToString("F4") ?? "n/a"}.");
        return new ByolTrainingResult(network, plan, step, resumedFrom, history, clock.Elapsed, device.ToString(), collapse.Suspected);
    }

    private static long[] Shuffle(int count, Generator generator)
    {
        using var permutation = randperm(count, generator: generator);
        return permutation.data<long>().ToArray();
    }

    /// <summary>The run's configuration, culture-invariant (<see cref="CheckpointEncoder"/> reads its network part).</summary>
    private string RunFingerprint(TrainingPlan plan, ImageStore store)
        => string.Join(";", CheckpointEncoder.NetworkFingerprint(_options).Select(kv => $"{kv.Key}={kv.Value}")) + ";" +
           string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"proj={_options.ProjectorHiddenSize}/{_options.ProjectionSize}/{_options.PredictorHiddenSize};batch={plan.BatchSize};" +
            $"steps={plan.TotalSteps};warmup={plan.WarmupSteps};lr={_options.BaseLearningRate:R};eta={_options.TrustCoefficient:R};" +
            $"wd={_options.WeightDecay:R};tau={_options.TauBase:R};seed={_seed};images={store.Count}x{store.Channels}x{store.Height}x{store.Width}");
}
