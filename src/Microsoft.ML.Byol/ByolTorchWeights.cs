using Microsoft.ML.Byol.Import;
using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol;

/// <summary>Writes a BYOL encoder as PyTorch weights.</summary>
public static class ByolTorchWeights
{
    /// <summary>
    /// Writes the transformer's encoder (the online encoder that was trained) as a torchvision-layout ResNet
    /// state_dict: a PyTorch file (<c>torch.save</c> zip format; load it with
    /// <c>torchvision.models.resnet50().load_state_dict(torch.load(path), strict=False)</c>, only <c>fc.*</c> is absent)
    /// for <c>.pt</c>/<c>.pth</c> (or any other extension), or a <c>.safetensors</c> file.
    /// </summary>
    /// <remarks>
    /// The weights are read back from the transformer's ONNX encoder. This library exports encoders with BatchNorm
    /// folded into the convolutions, so the state_dict carries each folded convolution with a neutral BatchNorm
    /// (weight 1, bias = the folded bias, running_mean 0, running_var 1 − 1e-5): the same eval-mode function, but not
    /// the trained BatchNorm parameters, which matters only to continue training in PyTorch in train mode.
    /// The input contract is torchvision's: RGB in [0, 1], normalised with the ImageNet mean and std.
    /// The file keeps this library's block counts (<see cref="ByolEncoderInfo.BlocksPerStage"/>) and stem; a
    /// small-image stem is a 3×3 <c>conv1</c> and needs <c>model.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)</c>
    /// and <c>model.maxpool = nn.Identity()</c> in torchvision.
    /// </remarks>
    /// <param name="transformer">A transformer returned by <c>ByolPretrain(...).Fit</c> or <c>ApplyByolEncoder</c>.</param>
    /// <param name="path">The file to write; its extension picks the format.</param>
    /// <exception cref="InvalidDataException">The transformer's ONNX encoder is not a ResNet this library can read.</exception>
    public static void ExportTorchWeights(this ByolTransformer transformer, string path)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] onnx;
        using (var buffer = new MemoryStream())
        {
            transformer.ExportOnnx(buffer);
            onnx = buffer.ToArray();
        }

        var imported = EncoderImport.ReadOnnx(onnx, "the transformer's ONNX encoder");
        TorchRuntime.EnsureInitialized();
        using var encoder = new ResNet(imported.Layout);
        EncoderImport.CopyInto(imported, encoder);
        encoder.eval();
        bool safetensors = string.Equals(Path.GetExtension(path), ".safetensors", StringComparison.OrdinalIgnoreCase);
        TorchWeightFiles.Write(encoder, path, safetensors);
    }
}
