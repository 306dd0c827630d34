using Microsoft.ML.Byol.Input;
using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>Turns a cached uint8 batch into the float RGB batch the augmentations work on.</summary>
internal static class ByteImages
{
    /// <summary>
    /// uint8 [B,C,H,W] (C = 1 or 3) → float32 [B,3,H,W] in [0,1] on <paramref name="device"/>, each byte b as
    /// b × <see cref="ImageInputContract.PixelScale"/>, the float ML.NET's ExtractPixels gives the encoder when it scores. The bytes are moved
    /// first (a quarter of the float traffic); a single channel is replicated to three, the grey → RGB rule of
    /// <see cref="ImageInputContract.RepeatGreyPlane"/> (R = G = B = grey) on the device.
    /// </summary>
    public static torch.Tensor ToFloatRgb(torch.Tensor uint8Batch, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(uint8Batch);
        ArgumentNullException.ThrowIfNull(device);
        if (uint8Batch.dtype != torch.ScalarType.Byte || uint8Batch.dim() != 4 || (uint8Batch.shape[1] != 1 && uint8Batch.shape[1] != 3))
        {
            throw new ArgumentException(
                $"Expected a uint8 [B,C,H,W] batch with C = 1 or 3; got {uint8Batch.dtype} [{string.Join(",", uint8Batch.shape)}].",
                nameof(uint8Batch));
        }

        using var scope = torch.NewDisposeScope();
        var floats = HostToDevice.Move(uint8Batch, device).to_type(torch.ScalarType.Float32).mul_(ImageInputContract.PixelScale);   // b × 1/255f, as ExtractPixels scores it
        if (floats.shape[1] == 1)
        {
            floats = floats.expand(-1, ImageInputContract.Channels, -1, -1).contiguous();
        }

        return floats.MoveToOuterDisposeScope();
    }
}
