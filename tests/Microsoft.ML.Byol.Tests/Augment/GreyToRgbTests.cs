using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Byol.Graph;
using Microsoft.ML.Byol.Input;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;

namespace Microsoft.ML.Byol.Tests.Augment;

/// <summary>
/// The grey → RGB rule is written in three media (host floats, an ONNX node, a device tensor operation); all three
/// give the same three planes for one grey plane, and that is the rule's definition,
/// <see cref="ImageInputContract.RepeatGreyPlane"/>.
/// </summary>
public sealed class GreyToRgbTests
{
    private const int Side = 5;
    private const int Plane = Side * Side;

    public GreyToRgbTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void HostOnnxAndDevice_GiveTheSamePlanes()
    {
        var random = new Random(13);
        byte[] grey = new byte[Plane];
        random.NextBytes(grey);
        grey[0] = 0;
        grey[1] = 255;
        float[] greyFloats = grey.Select(b => b * ImageInputContract.PixelScale).ToArray();

        // The definition: host floats, as the batched scoring path writes them.
        var host = new float[ImageInputContract.Channels * Plane];
        greyFloats.CopyTo(host, 0);
        ImageInputContract.RepeatGreyPlane<float>(host, 1, Plane);
        host.AsSpan(Plane, Plane).ToArray().Should().Equal(greyFloats, "the rule copies the grey plane into G");
        host.AsSpan(2 * Plane, Plane).ToArray().Should().Equal(greyFloats, "and into B");

        // The ONNX head a saved scoring chain runs (EncoderGraphAdapter), over an encoder that returns its pixels.
        ThroughOnnxHead(greyFloats).Should().Equal(host);

        // The training batch on the device (ByteImages), from the cached bytes.
        using var bytes = torch.tensor(grey, new long[] { 1, 1, Side, Side });
        using var rgb = ByteImages.ToFloatRgb(bytes, torch.CPU);
        rgb.shape.Should().Equal(1, ImageInputContract.Channels, Side, Side);
        float[] device = rgb.data<float>().ToArray();
        device.AsSpan(Plane, Plane).ToArray().Should().Equal(device.AsSpan(0, Plane).ToArray(), "G is the grey plane, bit for bit");
        device.AsSpan(2 * Plane, Plane).ToArray().Should().Equal(device.AsSpan(0, Plane).ToArray(), "and so is B");

        device.Should().Equal(host, "training and scoring turn a byte into the same float");
    }

    [Fact]
    public void EveryByte_BecomesTheFloatExtractPixelsScoresItAs_BitForBit()
    {
        // Training divided by 255 on the device until 2026-12-07 while scoring multiplies by 1/255f (ExtractPixels'
        // scaleImage): 126 of the 256 bytes came out one float step apart.
        byte[] all = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        using var bytes = torch.tensor(all, new long[] { 1, 1, 16, 16 });
        using var rgb = ByteImages.ToFloatRgb(bytes, torch.CPU);
        float[] device = rgb.data<float>().ToArray().AsSpan(0, 256).ToArray();
        device.Should().Equal(all.Select(b => b * ImageInputContract.PixelScale));
    }

    /// <summary>One grey plane through the adapter's head and an identity "encoder" (pixels flattened).</summary>
    private static float[] ThroughOnnxHead(float[] greyFloats)
    {
        var writer = new OnnxGraphWriter("identity");
        string pixels = writer.AddInput("pixels", ImageInputContract.Channels, Side, Side);
        writer.AddOutput(writer.Flatten(pixels, 1, "embedding"), ImageInputContract.Channels * Plane);
        var info = new ByolEncoderInfo(ByolArchitecture.ResNet18, 1f, true, Side, ImageInputContract.Channels * Plane,
            ImageNetNormalization.Mean, ImageNetNormalization.Std, ImageInputContract.ChannelOrder, ImageInputContract.PixelFormat,
            "pixels", "embedding", new Dictionary<string, string>());
        byte[] adapted = EncoderGraphAdapter.Adapt(writer.ToBytes(), info, new InputFormat(IsImage: false, Channels: 1), "Grey", "Rgb");

        using var session = new InferenceSession(adapted);
        var input = new DenseTensor<float>(greyFloats.ToArray(), new[] { 1, Plane });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Grey", input) });
        return results.Single(r => r.Name == "Rgb").AsEnumerable<float>().ToArray();
    }
}
