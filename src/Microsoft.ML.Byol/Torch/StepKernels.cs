using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Torch;

/// <summary>
/// How the training step lays out its activations and runs its ReLUs: benchmark-visible switches of the step, read from
/// the environment when a run starts (issue 15, "closer to the peak"; docs/benchmarks.md has what each was measured at).
/// </summary>
/// <param name="ChannelsLast">
/// <c>BYOL_CHANNELS_LAST=1</c>: both views enter the encoders in the channels-last (NHWC) memory format, and libtorch's
/// convolutions, BatchNorm, ReLU and additions keep that format to the pooled output. Only the activations change
/// format: the parameters, their gradients, LARS, the EMA, checkpoints and the ONNX export keep the standard
/// contiguous format. Results differ from contiguous activations by rounding (a different summation order in the
/// convolutions). On by default on the CPU from width ×<see cref="ChannelsLastMinWidth"/> up when jemalloc serves
/// <c>malloc</c> (<see cref="For"/>).
/// </param>
/// <param name="InPlaceActivations">
/// <c>BYOL_INPLACE_RELU=1</c>: the encoders' ReLUs overwrite their input (the BatchNorm output or the residual sum)
/// instead of allocating a new tensor, as torchvision's <c>ReLU(inplace=True)</c>. Autograd allows it: BatchNorm's
/// backward reads its input, not its output, and ReLU's backward reads its own output either way, so values and
/// gradients are bit-identical to the default. Off by default.
/// </param>
internal sealed record StepKernels(bool ChannelsLast, bool InPlaceActivations)
{
    /// <summary>The environment variable of <see cref="ChannelsLast"/>.</summary>
    public const string ChannelsLastVariable = "BYOL_CHANNELS_LAST";

    /// <summary>The environment variable of <see cref="InPlaceActivations"/>.</summary>
    public const string InPlaceReluVariable = "BYOL_INPLACE_RELU";

    /// <summary>
    /// The narrowest encoder (width multiplier) whose CPU step defaults to channels-last. Measured on the 2-core AMD
    /// VM under jemalloc (docs/benchmarks.md, "The width rule for channels-last"), ResNet-18 small stem, batch 64, 32
    /// and 64 px: from ×0.25 up channels-last was 1.02–1.44× faster by the median in every configuration (quiet with 2
    /// threads; a core busy with 1 or 2 threads); at ×0.125 it ranged from 0.78× to 1.26×.
    /// </summary>
    public const float ChannelsLastMinWidth = 0.25f;

    /// <summary>
    /// The allocator channels-last needs by default: jemalloc (<see cref="ByolFastAllocator"/>). Under it the resident
    /// size of a channels-last run stays flat from step 60 to 1500 (598–600 MiB, ResNet-18 ×0.25, 32 px, batch 32);
    /// under glibc's malloc the no-GC memory test (<c>NativeMemoryTests</c>) saw channels-last grow the native heap by
    /// 18.9–49.5 MiB over 200 steps where contiguous activations did not.
    /// </summary>
    public const string ChannelsLastAllocator = "jemalloc";

    /// <summary>Standard contiguous activations, ReLUs that allocate their output: the step with no switch on.</summary>
    public static StepKernels Default { get; } = new(ChannelsLast: false, InPlaceActivations: false);

    /// <summary>
    /// The kernels of a run's step: channels-last activations on the CPU for encoders of width
    /// ×<see cref="ChannelsLastMinWidth"/> and wider when <paramref name="allocator"/> is <see cref="ChannelsLastAllocator"/>
    /// (CUDA keeps contiguous activations: not measured), allocating ReLUs; then each switch set in the environment
    /// ("1"/"true" on, "0"/"false" off) applied over that.
    /// </summary>
    /// <param name="widthMultiplier">The encoder's width multiplier.</param>
    /// <param name="device">Where the step runs.</param>
    /// <param name="allocator">The allocator serving <c>malloc</c> (default: <see cref="NativeHeap.Allocator"/>).</param>
    /// <param name="read">Reads a variable (default: <see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    public static StepKernels For(float widthMultiplier, DeviceType device, string? allocator = null, Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        bool channelsLast = device == DeviceType.CPU && widthMultiplier >= ChannelsLastMinWidth
            && (allocator ?? NativeHeap.Allocator) == ChannelsLastAllocator;
        return new(Flag(read(ChannelsLastVariable)) ?? channelsLast, Flag(read(InPlaceReluVariable)) ?? Default.InPlaceActivations);
    }

    /// <summary>One sentence for the log when the step differs from <see cref="Default"/>; null when it does not.</summary>
    public string? Describe() => this == Default
        ? null
        : $"BYOL: step kernels: {(ChannelsLast ? "channels-last" : "contiguous")} activations, " +
          $"{(InPlaceActivations ? "in-place" : "allocating")} ReLUs (defaults by device, width and allocator; {ChannelsLastVariable}, {InPlaceReluVariable} override).";

    /// <summary>
    /// <paramref name="images"/> [B, C, H, W] in the channels-last memory format when <see cref="ChannelsLast"/> is on
    /// (same shape and values, strides [H·W·C, 1, W·C, C]); otherwise <paramref name="images"/> itself.
    /// </summary>
    /// <remarks>TorchSharp 0.107 has no <c>memory_format</c> argument on <c>contiguous</c> or <c>to</c>: a permute to
    /// NHWC, a contiguous copy and the permute back give the same strides, which libtorch recognises as channels-last.</remarks>
    public Tensor Layout(Tensor images) => ChannelsLast ? ToChannelsLast(images) : images;

    /// <summary>The channels-last copy of a 4-D tensor (same shape and values).</summary>
    public static Tensor ToChannelsLast(Tensor images)
    {
        using var nhwc = images.permute(0, 2, 3, 1);
        using var packed = nhwc.contiguous();
        return packed.permute(0, 3, 1, 2);
    }

    /// <summary>Whether <paramref name="images"/> is laid out channels-last (channels innermost, then width, height, batch).</summary>
    public static bool IsChannelsLast(Tensor images)
    {
        var s = images.stride();
        var shape = images.shape;
        return images.dim() == 4 && s[1] == 1 && s[3] == shape[1] && s[2] == shape[1] * shape[3] && s[0] == shape[1] * shape[2] * shape[3];
    }

    private static bool? Flag(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "on" => true,
        "0" or "false" or "off" => false,
        _ => null,
    };
}
