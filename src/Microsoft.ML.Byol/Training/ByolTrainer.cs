using System.Diagnostics;
using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Import;
using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Optim;
using Microsoft.ML.Byol.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// The BYOL experiment loop: shuffled drop-last batches from an <see cref="ImageStore"/>, one <see cref="ByolStep"/>
/// per batch at the scheduled learning rate and τ, then the hooks of the step: the fine-tuning phase switch, the
/// NaN guard, the collapse monitor, progress, the kNN monitor with keep-best, checkpoints with resume, and a native
/// heap trim every few steps (<see cref="NativeHeap"/>).
/// Independent of ML.NET: it works on tensors.
/// </summary>
internal sealed class ByolTrainer
{
    private readonly ByolOptions _options;
    private readonly Action<string> _log;
    private readonly int _seed;
    private RunConfiguration? _plannedRun;
    private ThreadChoice? _threads;

    /// <param name="run">The resolved configuration of the run.</param>
    /// <param name="options">Validated options (device, threads, progress, cancellation, checkpoints, monitor period).</param>
    /// <param name="log">Receives human-readable messages (device, resume, checkpoints, monitor, collapse warnings).</param>
    /// <param name="threads">The CPU thread count the run was planned with (null: chosen when training starts).</param>
    public ByolTrainer(RunConfiguration run, ByolOptions options, Action<string>? log = null, ThreadChoice? threads = null)
    {
        _plannedRun = run;
        _threads = threads;
        _seed = run.Seed;
        _options = options;
        _log = log ?? (_ => { });
    }

    /// <summary>A trainer that plans its run (<see cref="RunPlanner"/>) from the options when it starts, with no initial encoder.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="seed">Seed of weights, shuffling and augmentation.</param>
    /// <param name="log">Receives human-readable messages.</param>
    public ByolTrainer(ByolOptions options, int seed, Action<string>? log = null)
    {
        _seed = seed;
        _options = options;
        _log = log ?? (_ => { });
    }

    /// <summary>The run's configuration (planned at the start of <see cref="Train"/> when it was not given).</summary>
    private RunConfiguration Run => _plannedRun ?? throw new InvalidOperationException("The run is planned when training starts.");

    /// <summary>Trains on <paramref name="store"/>; the caller owns the result. How the device is used (pinned copies,
    /// TF32, how often values are read) is the <see cref="DeviceExecutionPlan"/> of the device and the options.</summary>
    public ByolTrainingResult Train(ImageStore store, ImportedEncoder? initial = null, KnnMonitor? monitor = null)
    {
        _threads ??= TorchRuntime.ChooseThreads(_options.NumberOfThreads);
        _plannedRun ??= RunPlanner.Plan(_options, store, initial, _seed, monitor, _log, _threads);
        var device = TorchRuntime.Prepare(_options, _seed, _log, _threads);
        var execution = DeviceExecutionPlan.For(device.type, _options);
        TorchRuntime.Apply(execution, _log);
        _log("BYOL: " + NativeHeap.Describe());
        var plan = Run.Plan;
        var encoder = Run.Encoder;
        _log($"BYOL: {encoder.Architecture} ×{encoder.WidthMultiplier} ({(encoder.SmallImageStem ? "small-image" : "standard")} stem) at {encoder.ImageSize} px on {device}" +
             $"{(encoder.InitialEncoder is { } from ? $", from {from}" : ", random init")}; {store.Count} images, batch {plan.BatchSize}, " +
             $"{plan.StepsPerEpoch} steps/epoch, {plan.TotalSteps} steps, warm-up {plan.WarmupSteps} steps, peak lr {plan.PeakLearningRate:G4}, " +
             $"τ base {Run.TauBase}, recipe '{Run.Recipe}'.");
        if (initial is not null && monitor is null && plan.TotalSteps > 0)
            _log("BYOL: no quality monitor (ByolOptions.MonitorLabelColumnName is unset), so nothing checks that fine-tuning " +
                 "improves on the starting encoder; with a label column the best encoder seen, the starting one included, is returned.");
        var network = ByolStep.CreateNetwork(Run, initial, device);
        try
        {
            return new Loop(this, network, store, device, execution, monitor).Run();
        }
        catch
        {
            network.Dispose();
            throw;
        }
        finally
        {
            ReleaseFreedMemory();
        }
    }

    /// <summary>Hands what the run freed back to the system (the fast allocator keeps it otherwise) and logs the change.</summary>
    private void ReleaseFreedMemory()
    {
        var before = HeapUsage.Now();
        if (NativeHeap.Release())
            _log($"BYOL: training over; {NativeHeap.Allocator} returned its free pages to the system: {before.To(HeapUsage.Now())}.");
    }

    /// <summary>The state of one run of the loop.</summary>
    private sealed class Loop
    {
        private readonly ByolTrainer _trainer;
        private readonly RunConfiguration _run;
        private readonly ByolOptions _options;
        private readonly ByolNetwork _network;
        private readonly ImageStore _store;
        private readonly Device _device;
        private readonly DeviceExecutionPlan _execution;
        private readonly KnnMonitor? _monitor;
        private readonly long _monitorEvery;
        private readonly List<(long, double)> _history = new();
        private readonly Stopwatch _clock = new();
        private BudgetPacing _pacing;
        private BudgetClock? _budget;   // set when the run re-plans to its TimeBudget
        private bool _encoderFrozen;
        private readonly ThroughputWindow _window;
        private CollapseMonitor _collapse;
        private bool _collapseReported;
        private long[] _permutation = Array.Empty<long>();
        private double? _lastLoss;
        private int _releases;

        public Loop(ByolTrainer trainer, ByolNetwork network, ImageStore store, Device device, DeviceExecutionPlan execution, KnnMonitor? monitor)
        {
            (_trainer, _run, _options, _network, _store, _device, _execution, _monitor) = (trainer, trainer.Run, trainer._options, network, store, device, execution, monitor);
            _window = new ThroughputWindow(execution.ThroughputWindowSteps);
            _collapse = new CollapseMonitor(_run.ProjectionSize);
            _monitorEvery = Math.Max(1, _run.MonitorEverySteps);
            _pacing = BudgetPacing.Planned(_run.Plan.TotalSteps);
        }

        private void Log(string message) => _trainer._log(message);

        public ByolTrainingResult Run()
        {
            var plan = _run.Plan;
            using var optimizer = new Lars(ByolStep.Parameters(_network, _run), weightDecay: _run.WeightDecay, trustCoefficient: _run.TrustCoefficient);
            using var generator = new Generator((ulong)_run.Seed);
            using var best = new BestEncoder();
            var phases = PhaseTimer.FromEnvironment(_execution.SynchronizePhases ? () => cuda.synchronize(_device) : null);
            using var pending = new StepValueQueue();
            var kernels = StepKernels.For(_run.Encoder.WidthMultiplier, _device.type);
            if (kernels.Describe() is { } kernelLine)
                Log(kernelLine);
            var update = new ByolStep(_network, optimizer, _run, _device, phases, kernels);
            var checkpoints = _options.CheckpointDirectory is { } dir ? new CheckpointStore(dir, _options.CheckpointsToKeep, _run.ToJson(), Log) : null;
            checkpoints?.RemoveStaleTemporaryFiles();

            long step = 0;
            if (checkpoints?.TryResume(_network, optimizer, generator, out var resumed) == true)
            {
                (step, _permutation, _lastLoss) = (resumed.Step, resumed.Permutation, resumed.Metadata.LastLoss);
                _collapse = new CollapseMonitor(_run.ProjectionSize, streak: resumed.Metadata.CollapseStreak);
                _pacing = resumed.Metadata.Pacing ?? _pacing;
                Log($"BYOL: resumed from {resumed.Path} at step {step} of {_pacing.RunSteps}.");
            }
            long resumedFrom = step;
            // A budgeted run keeps itself on time (BudgetPacing); a resumed one cannot know the time spent before the
            // interruption, so it finishes the steps its checkpoint planned.
            if (_options.TimeBudget is { } budget && resumedFrom == 0 && plan.TotalSteps > 0)
                _budget = new BudgetClock(budget);
            MonitorHook(step, best);
            SetPhase(step, _pacing.Position(step) < _run.FrozenEncoderSteps);
            _clock.Start();
            _budget?.RestartWindow(step);
            try
            {
                for (; step < _pacing.RunSteps; step++)
                {
                    _options.CancellationToken.ThrowIfCancellationRequested();
                    double position = _pacing.Position(step);
                    if (_encoderFrozen && position >= _run.FrozenEncoderSteps)
                    {
                        SetPhase(step, frozen: false);
                        _budget?.RestartWindow(step);   // heads-only steps cost about half: not the pace of the rest
                    }
                    long inEpoch = step % plan.StepsPerEpoch;
                    if (inEpoch == 0 || _permutation.Length != _store.Count)
                        _permutation = Shuffle(_store.Count, generator);

                    double lr = _run.LearningRateAt(position), tau = _run.TauAt(position);
                    phases?.StartStep();
                    var batch = _permutation.AsSpan(checked((int)(inEpoch * plan.BatchSize)), plan.BatchSize);
                    using (var pixels = _store.Gather(batch, _execution.PinHostMemory))
                        pending.Add(step, lr, tau, update.Run(pixels, _store.ContentOf(batch), lr, tau, generator));
                    long done = step + 1;
                    bool monitorDue = done % _monitorEvery == 0 || done == _pacing.RunSteps;
                    bool replanDue = _budget is not null && !_encoderFrozen && _budget.IsReplanPoint(_pacing, done);
                    bool checkpointDue = checkpoints is not null && done % _options.CheckpointEverySteps == 0 && done < _pacing.RunSteps;
                    if (_execution.ReadsAfter(done, _pacing.RunSteps, needed: checkpointDue || replanDue || (monitorDue && _monitor is not null)))
                        ReadSteps(pending, done, monitorDue ? best : null);
                    if (done % NativeHeap.TrimEverySteps == 0)
                        NativeHeap.Trim();
                    ReleaseWhenTooMuchKept(done);
                    if (replanDue)
                        Replan(done, _budget!);
                    if (checkpointDue)
                        Log($"BYOL: checkpoint {Save(checkpoints!, done, optimizer, generator)}");
                    phases?.EndStep();
                }
            }
            catch (OperationCanceledException) when (checkpoints is not null && step > resumedFrom)
            {
                ReadSteps(pending, step, best: null);   // the checkpoint keeps the last loss and collapse streak
                Log($"BYOL: cancelled at step {step}; checkpoint {Save(checkpoints, step, optimizer, generator)}");
                throw;
            }
            if (checkpoints is not null && step > resumedFrom)
                Log($"BYOL: final checkpoint {Save(checkpoints, step, optimizer, generator)}");
            if (phases is not null)
                Log(phases.Summary());
            if (phases?.StageSummary() is { } stageLine)
                Log(stageLine);

            _network.eval();
            var kept = KeepBest(best, step);
            Recalibrate();
            _network.to(CPU);
            Log($"BYOL: {step - resumedFrom} steps in {_clock.Elapsed:hh\\:mm\\:ss}; final loss {_lastLoss?.ToString("F4") ?? "n/a"}" +
                (_releases > 0 ? $"; jemalloc's free pages returned to the system {_releases} time(s) to stay within memory." : "."));
            return new ByolTrainingResult(_network, plan, step, resumedFrom, _history, _clock.Elapsed, _device.ToString(), _collapse.Suspected, kept);
        }

        /// <summary>
        /// Refits the rest of a budgeted run to the budget left, at the pace of the steps since the previous re-plan
        /// point (checkpoints among them included), with the monitor evaluations still to come (one every
        /// MonitorEverySteps and one at the end, at the latest one's cost) set aside; the schedules follow
        /// (<see cref="BudgetPacing"/>).
        /// </summary>
        private void Replan(long done, BudgetClock budget)
        {
            double stepSeconds = budget.SecondsPerStep(done);
            double evaluationSeconds = _monitor is null ? 0 : budget.LastEvaluation.TotalSeconds;
            var left = budget.Left;
            var replanned = _pacing.Replan(done, left - TimeSpan.FromSeconds(evaluationSeconds), stepSeconds + evaluationSeconds / _monitorEvery,
                TrainingPlan.StepCap(_options, _run.Plan.StepsPerEpoch));
            if (replanned.RunSteps != _pacing.RunSteps)
                Log($"BYOL: time budget: step {done} ({stepSeconds:F3} s/step since step {budget.WindowStart}{(_monitor is null ? "" : $", {evaluationSeconds:F1} s per monitor evaluation")}, {Math.Max(0, left.TotalSeconds):F0} s left): " +
                    $"{replanned.RunSteps} steps in all (was {_pacing.RunSteps}); the schedules go on from position {replanned.AnchorPosition:F2} of {replanned.ScheduleSteps} to end with the run.");
            _pacing = replanned;
            budget.RestartWindow(done);
        }

        /// <summary>Frozen-encoder phase (heads only) while the schedules are before <see cref="RunConfiguration.FrozenEncoderSteps"/>, then all of θ.</summary>
        private void SetPhase(long step, bool frozen)
        {
            _encoderFrozen = frozen;
            _network.SetTrainableEncoder(frozen, _run.FreezeEncoderBatchNorm);
            _network.TrainMode(_run.FreezeEncoderBatchNorm);
            if (_run.FrozenEncoderSteps > 0)
                Log(frozen
                    ? $"BYOL: encoder frozen for the first {_run.FrozenEncoderSteps} steps (projector and predictor train alone)."
                    : $"BYOL: step {step}: the encoder trains from now on, at {_run.EncoderLearningRateScale:G3}× the heads' learning rate.");
        }

        /// <summary>
        /// Reads the pending steps' values (one wait for the device) and runs, step by step in order, the NaN guard,
        /// the collapse monitor, the kNN monitor (on the last step, when <paramref name="best"/> is given: it was due)
        /// and progress. With one step read per step this is the per-step order of the hooks.
        /// </summary>
        private void ReadSteps(StepValueQueue pending, long done, BestEncoder? best)
        {
            foreach (var values in pending.Read())
            {
                long stepDone = values.Step + 1;
                GuardFinite(values.Loss, stepDone, done);
                bool suspected = CollapseHook(values.ProjectionStd);
                double? accuracy = best is not null && stepDone == done ? MonitorHook(stepDone, best) : null;
                ProgressHook(values, suspected, accuracy);
            }
        }

        private void GuardFinite(double loss, long done, long readAt)
        {
            if (!double.IsFinite(loss))
                throw new InvalidOperationException(
                    $"BYOL loss became {loss} at step {done}{(readAt != done ? $" (seen at step {readAt}: the loss is read from the device every {_execution.ReadEverySteps} steps, ByolOptions.ReportEverySteps)" : "")}; " +
                    $"lower ByolOptions.BaseLearningRate (now {_run.BaseLearningRate}) or check the input images.");
            _lastLoss = loss;
            _history.Add((done, loss));
        }

        private bool CollapseHook(double projectionStd)
        {
            bool suspected = _collapse.Observe(projectionStd);
            if (suspected && !_collapseReported)
            {
                _collapseReported = true;
                Log($"BYOL WARNING: the representation looks collapsed: projection std {projectionStd:G3} has stayed below " +
                    $"{_collapse.Threshold:G3} (a quarter of 1/sqrt({_run.ProjectionSize})) for {_collapse.Patience} steps. " +
                    "Check that both views are augmented, the learning rate is not too high and the batch is not tiny.");
            }
            return suspected;
        }

        /// <summary>kNN accuracy of the online encoder now (null without a monitor); offers it to keep-best.</summary>
        private double? MonitorHook(long done, BestEncoder best)
        {
            if (_monitor is null)
                return null;
            var watch = Stopwatch.StartNew();
            double accuracy = _monitor.Evaluate(_network.OnlineEncoder, _device);
            _network.TrainMode(_run.FreezeEncoderBatchNorm);
            bool improved = _options.KeepBestMonitoredEncoder && best.Offer(_network.OnlineEncoder, done, accuracy);
            _budget?.AddEvaluation(watch.Elapsed);   // the time budget sets evaluations apart from steps
            Log($"BYOL monitor: step {done}: kNN accuracy {accuracy:P2} ({_monitor.QuerySize} held-out images, bank {_monitor.BankSize}, " +
                $"{watch.Elapsed.TotalSeconds:F1} s){(improved ? ", best so far" : "")}; memory: {HeapUsage.Now()}.");
            return accuracy;
        }

        private void ProgressHook(StepValues values, bool suspected, double? accuracy)
        {
            _window.Add(_clock.Elapsed, _run.Plan.BatchSize);
            _options.Progress?.Report(new ByolProgress((int)(values.Step / _run.Plan.StepsPerEpoch), values.Step + 1, _pacing.RunSteps, values.Loss,
                values.Tau, values.LearningRate, _window.ItemsPerSecond, _clock.Elapsed, values.ProjectionStd, suspected, accuracy));
        }

        /// <summary>Puts the best monitored encoder back when it is not the last one; returns what was kept.</summary>
        private KeptEncoder? KeepBest(BestEncoder best, long lastStep)
        {
            if (_monitor is null || !_options.KeepBestMonitoredEncoder || best.Step < 0)
                return null;
            if (best.Step != lastStep)
            {
                best.RestoreInto(_network.OnlineEncoder);
                Log($"BYOL monitor: returning the encoder of step {best.Step} (kNN {best.Accuracy:P2}), the best seen; " +
                    $"{(best.Step == 0 ? "training did not improve on the starting encoder" : "later steps scored lower")}.");
            }
            return new KeptEncoder(best.Step, best.Accuracy);
        }

        /// <summary>
        /// Under jemalloc, whose settings keep freed pages for reuse, hands them back when they bring the process near
        /// the machine's memory (<see cref="HeapUsage.KeepsTooMuchOf"/>). On 2026-12-08 a fine-tuning run at 96 px kept
        /// 8.6 GB of free pages for 4.4 GB of live allocations after 25 steps and grew until the kernel killed it;
        /// under glibc the same run stayed at 5–7 GB. Runs that stay flat never reach the threshold.
        /// </summary>
        private void ReleaseWhenTooMuchKept(long done)
        {
            if (NativeHeap.Allocator != "jemalloc")
                return;
            var before = HeapUsage.Now();
            long machine = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            if (!before.KeepsTooMuchOf(machine) || !NativeHeap.Release())
                return;
            if (_releases++ == 0)
                Log($"BYOL: step {done}: jemalloc kept more free pages than live ones with the process above half of the machine's " +
                    $"{machine / 1e9:F1} GB; returned them to the system ({before.To(HeapUsage.Now())}). This is done again whenever it recurs " +
                    "(the count is in the run's last line); it costs page faults, so it is a guard against running out of memory, not the usual path.");
        }

        /// <summary>The exported encoder's BatchNorm statistics, re-estimated at the embedding side when the run asks for it.</summary>
        private void Recalibrate()
        {
            if (!_run.RecalibrateEncoderBatchNorm)
                return;
            var watch = Stopwatch.StartNew();
            int side = _run.EmbeddingSide();
            int images = BatchNormRecalibration.Run(_network.OnlineEncoder, _store, _device, side, _run.Plan.BatchSize, _run.Seed);
            Log($"BYOL: encoder BatchNorm statistics re-estimated on {images} training images (centre views) at {side} px, " +
                $"the side it embeds, in {watch.Elapsed.TotalSeconds:F1} s ({nameof(ByolOptions.RecalibrateEncoderBatchNorm)}).");
        }

        private string Save(CheckpointStore checkpoints, long step, Lars optimizer, Generator generator)
            => checkpoints.Save(step, _network, optimizer, generator, _permutation, _lastLoss, _collapse.Streak,
                _pacing == BudgetPacing.Planned(_run.Plan.TotalSteps) ? null : _pacing);
    }

    private static long[] Shuffle(int count, Generator generator)
    {
        using var permutation = randperm(count, generator: generator);
        return permutation.data<long>().ToArray();
    }
}

/// <summary>The encoder the monitor chose to return: its step (0 = the starting encoder) and kNN accuracy.</summary>
internal sealed record KeptEncoder(long Step, double Accuracy);
