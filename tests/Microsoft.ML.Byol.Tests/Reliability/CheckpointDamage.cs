namespace Microsoft.ML.Byol.Tests.Reliability;

/// <summary>The ways the Reliability tests damage a checkpoint file, as users found them (issue 14).</summary>
internal static class CheckpointDamage
{
    public const string Half = "cut to half its length";
    public const string FourteenBytes = "cut to 14 bytes";
    public const string Empty = "cut to 0 bytes";
    public const string RandomBytes = "overwritten with random bytes";
    public const string FlippedByte = "one byte in the middle flipped";

    public static void Apply(string path, string damage)
    {
        byte[] bytes = File.ReadAllBytes(path);
        byte[] damaged = damage switch
        {
            Half => bytes[..(bytes.Length / 2)],
            FourteenBytes => bytes[..14],
            Empty => Array.Empty<byte>(),
            RandomBytes => RandomOf(bytes.Length),
            FlippedByte => Flip(bytes, bytes.Length / 2),
            _ => throw new ArgumentOutOfRangeException(nameof(damage), damage, null),
        };
        File.WriteAllBytes(path, damaged);
    }

    public static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x5A;
        return copy;
    }

    private static byte[] RandomOf(int length)
    {
        var bytes = new byte[length];
        new Random(14).NextBytes(bytes);
        return bytes;
    }
}
