using System.Globalization;
using System.Text;

namespace Microsoft.ML.Byol.EmbeddingFiles;

/// <summary>
/// A NumPy .npy v1.0 header for a C-order little-endian float32 matrix, always 128 bytes long (the shape is padded
/// with spaces), so that a streaming writer can write it first with 0 rows and rewrite it in place at the end.
/// </summary>
internal static class NpyHeader
{
    public const int Length = 128;

    public static byte[] For(long rows, int columns)
    {
        string dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {columns}), }}");
        int headerLength = Length - 10;
        var header = dict.PadRight(headerLength - 1) + "\n";
        if (header.Length != headerLength)
        {
            throw new InvalidOperationException($"The .npy header for shape ({rows}, {columns}) does not fit in {Length} bytes.");
        }

        var bytes = new byte[Length];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY", bytes.AsSpan(1));
        bytes[6] = 1;
        bytes[7] = 0;
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 2), (ushort)headerLength);
        if (!BitConverter.IsLittleEndian)
        {
            (bytes[8], bytes[9]) = (bytes[9], bytes[8]);
        }

        Encoding.ASCII.GetBytes(header, bytes.AsSpan(10));
        return bytes;
    }
}
