using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>
/// Applies a batched operation to the images a per-image draw selected, leaving the others untouched: one
/// <c>index_select</c>, one call of the operation on the sub-batch, one <c>index_copy</c>. No per-image tensor loop.
/// </summary>
internal static class ImageSubset
{
    /// <summary>
    /// Returns <paramref name="images"/> with the images at <paramref name="indices"/> replaced by
    /// <paramref name="operation"/> of them. The operation gets the sub-batch (in the order of the indices).
    /// When nothing is selected the input itself is returned; when everything is, the operation runs on the whole batch.
    /// </summary>
    public static torch.Tensor Update(torch.Tensor images, int[] indices, Func<torch.Tensor, torch.Tensor> operation)
    {
        if (indices.Length == 0)
        {
            return images;
        }

        if (indices.Length == images.shape[0])
        {
            return operation(images);
        }

        using var scope = torch.NewDisposeScope();
        var index = HostToDevice.Tensor(indices.Select(i => (long)i).ToArray(), images.device);
        var updated = operation(images.index_select(0, index));
        return images.index_copy(0, index, updated).MoveToOuterDisposeScope();
    }
}
