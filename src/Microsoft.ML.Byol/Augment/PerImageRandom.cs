using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>
/// Per-image random numbers, all drawn on the CPU from the caller's generator (so a seed reproduces a run, and the
/// generator state can be saved to resume one). Every call consumes a fixed amount of randomness that depends only
/// on the batch size, never on earlier outcomes, so the stream stays aligned whatever the probabilities are.
/// </summary>
internal static class PerImageRandom
{
    /// <summary>Uniform values in [0, 1), row-major for <paramref name="shape"/>.</summary>
    public static float[] Uniform(torch.Generator generator, params long[] shape)
    {
        using var values = torch.rand(shape, dtype: torch.float32, device: torch.CPU, generator: generator);
        return values.data<float>().ToArray();
    }

    /// <summary>Uniform values in [<paramref name="low"/>, <paramref name="high"/>), one per image.</summary>
    public static float[] Between(torch.Generator generator, int count, double low, double high)
        => Uniform(generator, count).Select(u => (float)(low + (high - low) * u)).ToArray();

    /// <summary>The indices of the images for which a coin with heads-probability <paramref name="probability"/> came up heads.</summary>
    public static int[] Chosen(torch.Generator generator, int count, double probability)
    {
        float[] u = Uniform(generator, count);
        return Enumerable.Range(0, count).Where(i => u[i] < probability).ToArray();
    }

    /// <summary>The values of <paramref name="perImage"/> for the listed images, as a [n,1,1,1] tensor on the device.</summary>
    public static torch.Tensor Column(float[] perImage, int[] indices, torch.Device device)
        => HostToDevice.Tensor(indices.Select(i => perImage[i]).ToArray(), new long[] { indices.Length, 1, 1, 1 }, device);
}
