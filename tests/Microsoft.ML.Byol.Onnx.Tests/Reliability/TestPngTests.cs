using SkiaSharp;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>The bomb files are valid PNG headers: SkiaSharp reads the declared size from them without decoding.</summary>
[Trait("Category", "Reliability")]
public sealed class TestPngTests
{
    [Fact]
    public void Crc32_IsPngs()
    {
        // The CRC of an IEND chunk (type only, no data) is the same in every PNG file.
        TestPng.Crc32("IEND"u8).Should().Be(0xAE426082u);
    }

    [Theory]
    [InlineData(20_000, 20_000)]
    [InlineData(60_000, 60_000)]
    public void Header_DeclaresTheSize_InAFewHundredBytes(int width, int height)
    {
        byte[] bytes = TestPng.Bomb(width, height);

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);

        codec.Should().NotBeNull("the signature, IHDR and CRCs are valid");
        (codec.Info.Width, codec.Info.Height).Should().Be((width, height));
        bytes.Length.Should().BeLessThan(4096);
    }
}
