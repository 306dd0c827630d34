using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>
/// The un-augmented view of cached images that stands for the scoring view: the largest centred square of each
/// image's content box (the centre crop the scoring chain's iso-crop resize keeps), resized to the encoder's input
/// size with <see cref="AntialiasedResize"/>. Images already at that size with no padding are returned as they are.
/// </summary>
internal static class CenterView
{
    /// <summary>The centre views of <paramref name="images"/> (float [B,C,H,W]) at <paramref name="outputSize"/>.</summary>
    /// <param name="images">The batch.</param>
    /// <param name="content">Per image, where its picture lies; null: the whole image.</param>
    /// <param name="outputSize">Side of the views.</param>
    public static torch.Tensor Apply(torch.Tensor images, IReadOnlyList<CropBox>? content, int outputSize)
    {
        int count = (int)images.shape[0], height = (int)images.shape[2], width = (int)images.shape[3];
        var whole = CropBox.Whole(height, width);
        if (height == outputSize && width == outputSize && (content is null || content.All(c => c == whole)))
            return images.alias();
        var boxes = Enumerable.Range(0, count).Select(i => (content?[i] ?? whole).CenterSquare()).ToArray();
        return AntialiasedResize.Apply(images, boxes, new bool[count], outputSize);
    }
}
