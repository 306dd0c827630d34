using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Data;

/// <summary>The address of a contiguous CPU tensor's first element, whatever its size (its <c>bytes</c> span is limited to 2 GB).</summary>
internal static unsafe class TensorPointer
{
    /// <summary>Address of the first byte of <paramref name="tensor"/>, valid while the tensor lives.</summary>
    /// <exception cref="ArgumentException">The tensor is not a contiguous, non-empty CPU tensor.</exception>
    public static byte* Of(Tensor tensor)
    {
        if (tensor.device_type != TorchSharp.DeviceType.CPU || !tensor.is_contiguous() || tensor.numel() == 0)
            throw new ArgumentException("Expected a contiguous, non-empty CPU tensor.", nameof(tensor));
        using var flat = tensor.flatten();
        using var first = flat.narrow(0, 0, 1);
        fixed (byte* pointer = first.bytes)
            return pointer;
    }
}
