namespace Microsoft.ML.Byol.Tests.Support;

/// <summary>
/// A procedurally drawn image set with real structure: four shape classes (disc, square, ring, plus sign), one shape
/// per image near the centre, of random size and offset, bright on a dark background (grey levels drawn per image),
/// with pixel noise. Intensity, position and size carry no label information, so a representation must see shape to
/// classify well. (Two lessons from building it: with random colours or random polarity, the colour pair is the
/// easiest cue two BYOL views share and a short run learns that instead of shape; with small shapes scattered over
/// the image, crops often miss them. Fashion-MNIST, like this set, is one bright object on dark.)
/// </summary>
internal static class SyntheticShapes
{
    public const int ClassCount = 4;

    /// <summary>Planar RGB bytes (image after image, C×H×W) and labels.</summary>
    public static (byte[] Pixels, int[] Labels) Generate(int count, int size, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 3 * size * size];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % ClassCount;
            labels[i] = label;
            Draw(pixels.AsSpan(i * 3 * size * size, 3 * size * size), size, label, random);
        }
        return (pixels, labels);
    }

    private static void Draw(Span<byte> image, int size, int label, Random random)
    {
        int background = random.Next(0, 64);
        int foreground = random.Next(176, 256);
        var shapes = new (double X, double Y, double Radius)[1];
        for (int s = 0; s < shapes.Length; s++)
        {
            double radius = size * (0.24 + 0.14 * random.NextDouble());
            shapes[s] = (size * (0.5 + 0.3 * (random.NextDouble() - 0.5)), size * (0.5 + 0.3 * (random.NextDouble() - 0.5)), radius);
        }
        int plane = size * size;
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                bool inside = shapes.Any(s => Inside(label, x + 0.5 - s.X, y + 0.5 - s.Y, s.Radius));
                int value = Math.Clamp((inside ? foreground : background) + random.Next(-12, 13), 0, 255);
                for (int c = 0; c < 3; c++)
                    image[c * plane + y * size + x] = (byte)value;
            }
        }
    }

    private static bool Inside(int label, double dx, double dy, double radius) => label switch
    {
        0 => dx * dx + dy * dy <= radius * radius,
        1 => Math.Abs(dx) <= radius * 0.85 && Math.Abs(dy) <= radius * 0.85,
        2 => dx * dx + dy * dy <= radius * radius && dx * dx + dy * dy >= radius * radius * 0.3,
        _ => (Math.Abs(dx) <= radius * 0.33 && Math.Abs(dy) <= radius) || (Math.Abs(dy) <= radius * 0.33 && Math.Abs(dx) <= radius),
    };
}
