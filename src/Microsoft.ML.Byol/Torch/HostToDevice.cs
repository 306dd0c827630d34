using TorchSharp;

namespace Microsoft.ML.Byol.Torch;

/// <summary>
/// Host→device copies as <see cref="DeviceExecutionPlan.HostCopyFor"/> decides: on CUDA through page-locked memory
/// with <c>non_blocking: true</c>, so that the host does not wait for the device's queue at every copy; on the CPU
/// exactly the calls the library made before (a CPU "copy" to the CPU is no copy at all).
/// </summary>
/// <remarks>
/// A pinned staging tensor may be disposed as soon as the non-blocking copy is queued: libtorch allocates pinned
/// memory from its caching host allocator, which records an event on the copy's stream and does not hand the block
/// out again before that event has completed (PyTorch's <c>x.pin_memory().to("cuda", non_blocking=True)</c> relies
/// on the same).
/// </remarks>
internal static class HostToDevice
{
    /// <summary>Moves <paramref name="host"/> (a CPU tensor, not consumed) to <paramref name="device"/>.</summary>
    public static torch.Tensor Move(torch.Tensor host, torch.Device device)
    {
        var (pin, nonBlocking) = DeviceExecutionPlan.HostCopyFor(device.type);
        if (!pin || host.device_type != DeviceType.CPU)
            return host.to(device); // the CPU, or already on a device: as before
        if (host.is_pinned())
            return host.to(device, non_blocking: nonBlocking);
        using var pinned = host.pin_memory();
        return pinned.to(device, non_blocking: nonBlocking);
    }

    /// <summary>A tensor of <paramref name="shape"/> holding <paramref name="values"/> on <paramref name="device"/>.</summary>
    public static torch.Tensor Tensor(float[] values, long[] shape, torch.Device device)
    {
        if (!DeviceExecutionPlan.HostCopyFor(device.type).Pin)
            return torch.tensor(values, shape, device: device);
        using var host = torch.tensor(values, shape);
        return Move(host, device);
    }

    /// <summary>A 1-D int64 tensor holding <paramref name="values"/> on <paramref name="device"/>.</summary>
    public static torch.Tensor Tensor(long[] values, torch.Device device)
    {
        if (!DeviceExecutionPlan.HostCopyFor(device.type).Pin)
            return torch.tensor(values, device: device);
        using var host = torch.tensor(values);
        return Move(host, device);
    }
}
