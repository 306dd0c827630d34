using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Input;

/// <summary>
/// The direct equivalent of <see cref="PixelChain"/>'s ExtractPixels: writes 32-bit pixels as planar R, G, B values
/// with <see cref="ImageInputContract"/>'s settings (colours Rgb, order ARGB, not interleaved, offset 0; scale 1/255
/// for floats, 1 for bytes). Each float is <c>(byte - offset) * scale</c> in single precision, read from a 256-entry
/// table that holds exactly that expression. Alpha is ignored, as <c>ExtractPixels</c> without the alpha bit does.
/// </summary>
internal static class PlanarRgbWriter
{
    private static readonly float[] Table = MakeTable();

    /// <summary>Byte output: the channel values as they are (offset 0, scale 1).</summary>
    private static readonly byte[] Identity = Enumerable.Range(0, 256).Select(v => (byte)v).ToArray();

    /// <summary>
    /// Writes <paramref name="width"/>×<paramref name="height"/> pixels of 4 bytes each, row after row with no
    /// padding (as <c>MLImage.Pixels</c> gives them), into R, G and B planes of width×height floats.
    /// </summary>
    /// <param name="pixels">4 bytes per pixel, in <paramref name="format"/>'s order.</param>
    /// <param name="format">BGRA or RGBA, the two formats an <see cref="MLImage"/> holds.</param>
    /// <param name="width">Pixels per row.</param>
    /// <param name="height">Rows.</param>
    /// <param name="destination">Room for 3×width×height floats.</param>
    public static void Write(ReadOnlySpan<byte> pixels, MLPixelFormat format, int width, int height, Span<float> destination)
        => Deinterleave(pixels, format, width, height, destination, Table);

    /// <summary>
    /// Writes <paramref name="width"/>×<paramref name="height"/> pixels of 4 bytes each as planar R, G, B bytes, as
    /// <c>ExtractPixels</c> does with offset 0, scale 1 and byte output (the training cache's pixels).
    /// </summary>
    /// <param name="pixels">4 bytes per pixel, in <paramref name="format"/>'s order.</param>
    /// <param name="format">BGRA or RGBA.</param>
    /// <param name="width">Pixels per row.</param>
    /// <param name="height">Rows.</param>
    /// <param name="destination">Room for 3×width×height bytes.</param>
    public static void Write(ReadOnlySpan<byte> pixels, MLPixelFormat format, int width, int height, Span<byte> destination)
        => Deinterleave(pixels, format, width, height, destination, Identity);

    /// <summary>The one deinterleaving loop: each channel byte of each pixel, mapped through <paramref name="table"/>,
    /// into its plane.</summary>
    private static void Deinterleave<T>(ReadOnlySpan<byte> pixels, MLPixelFormat format, int width, int height, Span<T> destination, T[] table)
    {
        var (red, green, blue) = Channels(format);
        int plane = width * height;
        if (pixels.Length < 4 * plane || destination.Length < 3 * plane)
        {
            throw new InvalidDataException($"A {width}×{height} image gave {pixels.Length} pixel bytes, expected {4 * plane}.");
        }

        var r = destination.Slice(0, plane);
        var g = destination.Slice(plane, plane);
        var b = destination.Slice(2 * plane, plane);
        for (int p = 0, ix = 0; p < plane; p++, ix += 4)
        {
            r[p] = table[pixels[ix + red]];
            g[p] = table[pixels[ix + green]];
            b[p] = table[pixels[ix + blue]];
        }
    }

    private static (int Red, int Green, int Blue) Channels(MLPixelFormat format) => format switch
    {
        MLPixelFormat.Bgra32 => (2, 1, 0),
        MLPixelFormat.Rgba32 => (0, 1, 2),
        _ => throw new InvalidDataException($"Pixel format {format} is not supported (BGRA or RGBA expected)."),
    };

    private static float[] MakeTable()
    {
        var table = new float[256];
        for (int v = 0; v < table.Length; v++)
        {
            byte value = (byte)v;
            table[v] = (value - ImageInputContract.PixelOffset) * ImageInputContract.PixelScale;
        }

        return table;
    }
}
