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
/// contiguous format. Results differ from the default by rounding (a different summation order in the convolutions).
/// Off by default.
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

    /// <summary>The defaults: standard contiguous activations, ReLUs that allocate their output.</summary>
    public static StepKernels Default { get; } = new(ChannelsLast: false, InPlaceActivations: false);

    /// <summary>The defaults, with each switch that is set in the environment ("1"/"true" on, "0"/"false" off) applied.</summary>
    /// <param name="read">Reads a variable (default: <see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    public static StepKernels FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        return new(Flag(read(ChannelsLastVariable)) ?? Default.ChannelsLast, Flag(read(InPlaceReluVariable)) ?? Default.InPlaceActivations);
    }

    /// <summary>One sentence for the log when the step differs from the defaults; null when it does not.</summary>
    public string? Describe() => this == Default
        ? null
        : $"BYOL: step kernels: {(ChannelsLast ? "channels-last" : "contiguous")} activations, " +
          $"{(InPlaceActivations ? "in-place" : "allocating")} ReLUs ({ChannelsLastVariable}, {InPlaceReluVariable}).";

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
