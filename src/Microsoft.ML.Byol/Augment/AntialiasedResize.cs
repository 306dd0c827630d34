using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>
/// Resizes one box of every image of a batch to a square, each image with its own box, in one batched pass on the
/// images' device: the separable triangle (bilinear) filter of torch's <c>interpolate(mode: bilinear, antialias:
/// true)</c> and PIL, whose support widens with the scale factor when the box is larger than the output (so a
/// downscale averages every source pixel under an output pixel instead of point-sampling two), and which is plain
/// bilinear when it is smaller. Only pixels inside the box are read (weights are renormalised at its edges), as when
/// the box is cropped first and then resized. Per image, a [O, H] row matrix and a [O, W] column matrix are built on
/// the device from four numbers per image, and the views are two batched matrix products: rows · image · columnsᵀ.
/// </summary>
internal static class AntialiasedResize
{
    /// <summary>
    /// The boxes of <paramref name="images"/> resized to <paramref name="outputSize"/>×<paramref name="outputSize"/>,
    /// mirrored left-right where <paramref name="flips"/> says so.
    /// </summary>
    /// <param name="images">float [B,C,H,W] on any device.</param>
    /// <param name="boxes">One box per image, inside the image.</param>
    /// <param name="flips">One flip decision per image.</param>
    /// <param name="outputSize">Side of the output.</param>
    /// <returns>float [B,C,outputSize,outputSize] on the images' device.</returns>
    public static torch.Tensor Apply(torch.Tensor images, IReadOnlyList<CropBox> boxes, IReadOnlyList<bool> flips, int outputSize)
    {
        int batch = (int)images.shape[0];
        if (boxes.Count != batch || flips.Count != batch)
            throw new ArgumentException($"Expected {batch} boxes and flips, got {boxes.Count} and {flips.Count}.", nameof(boxes));
        var rows = new float[batch * 3];
        var columns = new float[batch * 3];
        for (int i = 0; i < batch; i++)
        {
            var box = boxes[i];
            if (box.Top < 0 || box.Left < 0 || box.Height < 1 || box.Width < 1 || box.Top + box.Height > images.shape[2] || box.Left + box.Width > images.shape[3])
                throw new ArgumentOutOfRangeException(nameof(boxes), $"Box {box} of image {i} is not inside its {images.shape[2]}×{images.shape[3]} image.");
            (rows[3 * i], rows[3 * i + 1], rows[3 * i + 2]) = (box.Top, box.Height, 0f);
            (columns[3 * i], columns[3 * i + 1], columns[3 * i + 2]) = (box.Left, box.Width, flips[i] ? 1f : 0f);
        }

        using var scope = torch.NewDisposeScope();
        var rowWeights = Weights(HostToDevice.Tensor(rows, new long[] { batch, 3 }, images.device), outputSize, images.shape[2]);
        var columnWeights = Weights(HostToDevice.Tensor(columns, new long[] { batch, 3 }, images.device), outputSize, images.shape[3]);
        // [B,1,O,H] · [B,C,H,W] → [B,C,O,W]; · [B,1,W,O] → [B,C,O,O].
        var resized = rowWeights.unsqueeze(1).matmul(images).matmul(columnWeights.transpose(1, 2).unsqueeze(1));
        return resized.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The [B, O, N] filter matrices of one axis: for output index o, the weight of input index j is
    /// max(0, 1 − |j + ½ − c| / s), inside the box only, normalised to sum 1, where the box spans
    /// [start, start + length), the scale is length / O, c = start + (o + ½)·scale (o mirrored to O − 1 − o when
    /// flipped) and s = max(scale, 1).
    /// </summary>
    /// <param name="boxes">[B, 3] float: start, length, flip (0 or 1) per image, on the device.</param>
    /// <param name="outputSize">O.</param>
    /// <param name="inputSize">N.</param>
    private static torch.Tensor Weights(torch.Tensor boxes, int outputSize, long inputSize)
    {
        using var scope = torch.NewDisposeScope();
        var device = boxes.device;
        var start = boxes[.., 0].view(-1, 1, 1);
        var length = boxes[.., 1].view(-1, 1, 1);
        var flip = boxes[.., 2].view(-1, 1, 1);
        var o = torch.arange(outputSize, dtype: torch.float32, device: device).view(1, -1, 1);
        var j = torch.arange(inputSize, dtype: torch.float32, device: device).view(1, 1, -1);
        var scale = length / outputSize;
        var mirrored = o + flip * (outputSize - 1 - 2 * o);
        var center = start + (mirrored + 0.5) * scale;
        var support = scale.clamp_min(1.0);
        var weights = (1 - ((j + 0.5 - center).abs() / support)).clamp_min(0.0);
        var inside = j.ge(start).logical_and(j.lt(start + length));
        weights = weights * inside.to_type(torch.float32);
        return (weights / weights.sum(-1, keepdim: true)).MoveToOuterDisposeScope();
    }
}
