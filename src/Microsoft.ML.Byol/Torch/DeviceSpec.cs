using System.Globalization;

namespace Microsoft.ML.Byol.Torch;

/// <summary>Kinds of training device a user can name.</summary>
internal enum DeviceKind
{
    /// <summary>CUDA when TorchSharp reports it, else the CPU.</summary>
    Auto,
    /// <summary>The CPU.</summary>
    Cpu,
    /// <summary>A CUDA device.</summary>
    Cuda,
}

/// <summary>A parsed device string: <c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (case-insensitive).</summary>
internal readonly record struct DeviceSpec(DeviceKind Kind, int? Index)
{
    /// <summary>Parses without touching TorchSharp, so that options can be validated before any native work.</summary>
    /// <exception cref="ArgumentException">The string is not one of the accepted forms.</exception>
    public static DeviceSpec Parse(string? device)
    {
        string text = (device ?? string.Empty).Trim().ToLowerInvariant();
        switch (text)
        {
            case "auto":
                return new DeviceSpec(DeviceKind.Auto, null);
            case "cpu":
                return new DeviceSpec(DeviceKind.Cpu, null);
            case "cuda":
                return new DeviceSpec(DeviceKind.Cuda, null);
        }
        if (text.StartsWith("cuda:", StringComparison.Ordinal) &&
            int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            return new DeviceSpec(DeviceKind.Cuda, index);
        throw new ArgumentException(
            $"Unknown device '{device}'. Use \"auto\" (CUDA when available, else CPU), \"cpu\", \"cuda\" or \"cuda:N\".", nameof(device));
    }
}
