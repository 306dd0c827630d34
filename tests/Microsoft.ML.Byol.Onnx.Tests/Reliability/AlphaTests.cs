using Microsoft.ML.Byol.Embedding;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>
/// The documented alpha behaviour: a grey+alpha PNG is premultiplied as ML.NET's MLImage holds it, so transparent
/// pixels come out black (many tools drop alpha instead and would give the grey value).
/// </summary>
[Trait("Category", "Reliability")]
public sealed class AlphaTests : IDisposable
{
    private readonly ReliabilityFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>32×32 grey 200: the left half opaque, the right half fully transparent.</summary>
    internal static byte[] HalfTransparentGrey()
    {
        var pixels = new byte[32 * 32 * 2];
        for (int p = 0; p < 32 * 32; p++)
        {
            pixels[2 * p] = 200;
            pixels[2 * p + 1] = (byte)(p % 32 < 16 ? 255 : 0);
        }

        return TestPng.Encode(32, 32, TestPng.GreyAlpha, pixels);
    }

    [Fact]
    public void EmbedderPixels_TransparentGreyIsBlack()
    {
        string path = Path.Combine(_files.Folder, "grey-alpha.png");
        File.WriteAllBytes(path, HalfTransparentGrey());
        using var workspace = new ImageWorkspace(32);
        var pixels = new float[3 * 32 * 32];

        workspace.WriteFile(path, pixels);

        for (int c = 0; c < 3; c++)
        {
            var plane = pixels.AsSpan(c * 32 * 32, 32 * 32);
            plane[5 * 32 + 3].Should().BeApproximately(200f / 255f, 1e-6f, "an opaque pixel keeps its grey");
            plane[5 * 32 + 20].Should().Be(0f, "a transparent pixel is premultiplied to black");
        }
    }
}
