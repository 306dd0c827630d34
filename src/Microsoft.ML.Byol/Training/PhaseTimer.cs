using System.Diagnostics;
using System.Globalization;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// Opt-in wall-clock profile of the training step, for benchmarks: set the environment variable
/// <c>BYOL_PROFILE_PHASES=1</c> and the trainer times each step's phases with a <see cref="Stopwatch"/> and logs one
/// summary line at the end, <c>BYOL phases: s/step over N steps (after K skipped): augment=… forward=… …</c>.
/// <c>BYOL_PROFILE_SKIP</c> (default 1) is the number of first steps left out as warm-up. With
/// <c>BYOL_PROFILE_STAGES=1</c> as well (CPU only), the encoders' forward is also timed stage by stage (stem, layer1 …
/// layer4, pool; online and target apart) and logged as a second line, <c>BYOL forward stages: …</c>. TorchSharp 0.107
/// does not expose libtorch's autograd profiler, so per-operator times are out of reach; these are the finest wall-clock
/// times available from C#.
/// </summary>
/// <remarks>
/// CPU operators run synchronously, so phase boundaries are exact there. On CUDA the trainer passes a synchronisation
/// (<c>torch.cuda.synchronize</c>) that runs before each boundary is read, so each phase is charged its own kernels; this
/// serialises host and device, so the sum of the phases is then longer than an unprofiled step.
/// Off by default: the trainer then pays nothing but a null check.
/// </remarks>
internal sealed class PhaseTimer
{
    /// <summary>The phases of one step, in the order they run.</summary>
    internal enum Phase
    {
        /// <summary>Gathering the byte batch, converting it to float and making both views.</summary>
        Augment,

        /// <summary>Online and target networks on both views, and the loss.</summary>
        Forward,

        /// <summary>Zeroing the gradients and back-propagating.</summary>
        Backward,

        /// <summary>The LARS step.</summary>
        Optimizer,

        /// <summary>The EMA update of the target.</summary>
        Ema,

        /// <summary>Everything else: reading the loss, the collapse statistic, progress, checkpoints.</summary>
        Other,
    }

    /// <summary>Lower-case names of the phases, as logged.</summary>
    internal static readonly string[] Names = Enum.GetNames<Phase>().Select(n => n.ToLowerInvariant()).ToArray();

    private readonly double[] _seconds = new double[Names.Length];
    private readonly Dictionary<string, double> _stageSeconds = new(StringComparer.Ordinal);
    private readonly int _skip;
    private readonly Stopwatch _clock = new();
    private readonly Action? _synchronize;
    private TimeSpan _last;
    private int _steps;
    private int _seen;

    /// <summary>A timer that leaves the first <paramref name="skip"/> steps out of the means.</summary>
    internal PhaseTimer(int skip, Action? synchronize = null, bool stages = false) => (_skip, _synchronize, TimesStages) = (skip, synchronize, stages);

    /// <summary>Whether the encoders' forward stages are timed too (<c>BYOL_PROFILE_STAGES</c>, CPU only).</summary>
    public bool TimesStages { get; }

    /// <summary>A timer when <c>BYOL_PROFILE_PHASES</c> is 1 or true, else null.</summary>
    /// <param name="synchronize">Waits for the device before each phase boundary (null on the CPU).</param>
    public static PhaseTimer? FromEnvironment(Action? synchronize = null)
    {
        string? value = Environment.GetEnvironmentVariable("BYOL_PROFILE_PHASES");
        if (value is not ("1" or "true" or "TRUE" or "True"))
            return null;
        int skip = int.TryParse(Environment.GetEnvironmentVariable("BYOL_PROFILE_SKIP"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) && s >= 0 ? s : 1;
        bool stages = synchronize is null && Environment.GetEnvironmentVariable("BYOL_PROFILE_STAGES") is "1" or "true" or "TRUE" or "True";
        return new PhaseTimer(skip, synchronize, stages);
    }

    /// <summary>Starts timing a step.</summary>
    public void StartStep()
    {
        _synchronize?.Invoke();
        _clock.Restart();
        _last = TimeSpan.Zero;
    }

    /// <summary>Ends phase <paramref name="phase"/> at the current time (it began where the previous one ended).</summary>
    public void End(Phase phase)
    {
        _synchronize?.Invoke();
        var now = _clock.Elapsed;
        if (_seen >= _skip)
            _seconds[(int)phase] += (now - _last).TotalSeconds;
        _last = now;
    }

    /// <summary>Adds <paramref name="elapsed"/> to stage <paramref name="stage"/> of the current step (a part of a phase).</summary>
    public void AddStage(string stage, TimeSpan elapsed)
    {
        if (_seen >= _skip)
            _stageSeconds[stage] = _stageSeconds.GetValueOrDefault(stage) + elapsed.TotalSeconds;
    }

    /// <summary>Ends the step; the time since the last phase counts as "other".</summary>
    public void EndStep()
    {
        End(Phase.Other);
        if (_seen++ >= _skip)
            _steps++;
    }

    /// <summary>The summary line (mean seconds per timed step of each phase).</summary>
    public string Summary()
    {
        var parts = Names.Select((name, i) => string.Create(CultureInfo.InvariantCulture, $"{name}={(_steps == 0 ? 0 : _seconds[i] / _steps):G6}"));
        return $"BYOL phases: s/step over {_steps} steps (after {Math.Min(_skip, _seen)} skipped): {string.Join(" ", parts)}";
    }

    /// <summary>The stage line (mean seconds per timed step of each forward stage); null when no stage was timed.</summary>
    public string? StageSummary()
    {
        if (_stageSeconds.Count == 0)
            return null;
        var parts = _stageSeconds.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={(_steps == 0 ? 0 : p.Value / _steps):G6}"));
        return $"BYOL forward stages: s/step over {_steps} steps: {string.Join(" ", parts)}";
    }
}
