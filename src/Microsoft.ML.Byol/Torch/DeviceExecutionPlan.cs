using TorchSharp;

namespace Microsoft.ML.Byol.Torch;

/// <summary>
/// How a training run uses its device, decided from the device kind and the options alone (no TorchSharp call), so
/// that the CUDA choices are unit-tested on machines without a GPU. On the CPU every choice is "as before": no pinned
/// memory, blocking copies (which are plain CPU work there), TF32 left alone, values read after every step.
/// </summary>
/// <param name="PinHostMemory">Copy the uint8 batch and the augmentations' per-image parameters into page-locked
/// (pinned) host memory before moving them to the device, so that the copy can run asynchronously.</param>
/// <param name="NonBlockingCopies">Host→device copies are issued with <c>non_blocking: true</c> (only from pinned memory).</param>
/// <param name="AllowTf32">The value given to cuDNN's and cuBLAS's TF32 switches; null: left as they are (CPU).</param>
/// <param name="ReadEverySteps">Steps between two reads of the loss and projection std to the host. Each read waits for
/// the device; the values of every step are kept on the device until then and all are reported, in order.</param>
/// <param name="SynchronizePhases">The phase profiler (<c>BYOL_PROFILE_PHASES</c>) waits for the device at each phase
/// boundary, so that a phase is charged its own kernels (asynchronous devices only).</param>
internal sealed record DeviceExecutionPlan(bool PinHostMemory, bool NonBlockingCopies, bool? AllowTf32, int ReadEverySteps, bool SynchronizePhases)
{
    /// <summary>Steps between reads on CUDA when <see cref="ByolOptions.ReportEverySteps"/> is not set.</summary>
    public const int CudaReadEverySteps = 10;

    /// <summary>Steps over which progress reports average the throughput, before rounding up to whole reads.</summary>
    public const int ThroughputSteps = 20;

    /// <summary>The plan for a device of type <paramref name="device"/>.</summary>
    /// <param name="device">The resolved training device type.</param>
    /// <param name="allowTf32">Whether TF32 is allowed (<see cref="ByolOptions.AllowTf32"/>); used on CUDA only.</param>
    /// <param name="reportEverySteps">Steps between reads (<see cref="ByolOptions.ReportEverySteps"/>); null: 1 on the
    /// CPU, <see cref="CudaReadEverySteps"/> on CUDA.</param>
    public static DeviceExecutionPlan For(DeviceType device, bool allowTf32, int? reportEverySteps)
    {
        if (reportEverySteps is <= 0)
            throw new ArgumentOutOfRangeException(nameof(reportEverySteps), reportEverySteps, "Must be positive (or null).");
        bool cuda = device == DeviceType.CUDA;
        var copies = HostCopyFor(device);
        return new DeviceExecutionPlan(copies.Pin, copies.NonBlocking, cuda ? allowTf32 : null,
            reportEverySteps ?? (cuda ? CudaReadEverySteps : 1), SynchronizePhases: cuda);
    }

    /// <summary>The plan of a run with <paramref name="options"/> on <paramref name="device"/>.</summary>
    public static DeviceExecutionPlan For(DeviceType device, ByolOptions options)
        => For(device, options.AllowTf32, options.ReportEverySteps);

    /// <summary>How host tensors are moved to a device of type <paramref name="device"/>: pinned and non-blocking on
    /// CUDA; on the CPU there is nothing to move, so neither.</summary>
    public static (bool Pin, bool NonBlocking) HostCopyFor(DeviceType device)
        => device == DeviceType.CUDA ? (true, true) : (false, false);

    /// <summary>Whether the values of the steps up to <paramref name="done"/> are read now: every
    /// <see cref="ReadEverySteps"/> steps, at the last step, and whenever <paramref name="needed"/> (a checkpoint or a
    /// monitor evaluation follows, which must see the latest loss, collapse streak and NaN check).</summary>
    public bool ReadsAfter(long done, long totalSteps, bool needed)
        => needed || done % ReadEverySteps == 0 || done == totalSteps;

    /// <summary>Steps of the progress throughput window: <see cref="ThroughputSteps"/> rounded up to whole reads, so
    /// that the window starts and ends on steps whose values were read at the same moment.</summary>
    public int ThroughputWindowSteps => (ThroughputSteps + ReadEverySteps - 1) / ReadEverySteps * ReadEverySteps;

    /// <summary>One line for the log.</summary>
    public string Describe()
        => $"host memory {(PinHostMemory ? "pinned" : "pageable")}, {(NonBlockingCopies ? "non-blocking" : "blocking")} host→device copies, " +
           $"TF32 {(AllowTf32 is { } tf32 ? (tf32 ? "on" : "off") : "n/a")}, loss and projection std read every {ReadEverySteps} step{(ReadEverySteps == 1 ? "" : "s")}";
}
