namespace Microsoft.ML.Byol.Tests.Support;

/// <summary>
/// A procedurally drawn image set with real structure: four shape classes (disc, square, ring, plus sign) in random
/// colours on random backgrounds, at random positions and sizes, with pixel noise. Colour and position carry no label
/// information, so a representation must see shape to classify well.
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
        var background = RandomColour(random);
        var foreground = RandomColour(random);
        while (Distance(background, foreground) < 120)
            foreground = RandomColour(random);
        double radius = size * (0.22 + 0.12 * random.NextDouble());
        double cx = radius + 1 + random.NextDouble() * (size - 2 * radius - 2);
        double cy = radius + 1 + random.NextDouble() * (size - 2 * radius - 2);
        int plane = size * size;
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                bool inside = label switch
                {
                    0 => dx * dx + dy * dy <= radius * radius,
                    1 => Math.Abs(dx) <= radius * 0.85 && Math.Abs(dy) <= radius * 0.85,
                    2 => dx * dx + dy * dy <= radius * radius && dx * dx + dy * dy >= radius * radius * 0.36,
                    _ => (Math.Abs(dx) <= radius * 0.3 && Math.Abs(dy) <= radius) || (Math.Abs(dy) <= radius * 0.3 && Math.Abs(dx) <= radius),
                };
                var colour = inside ? foreground : background;
                for (int c = 0; c < 3; c++)
                {
                    int noisy = colour[c] + random.Next(-12, 13);
                    image[c * plane + y * size + x] = (byte)Math.Clamp(noisy, 0, 255);
                }
            }
        }
    }

    private static int[] RandomColour(Random random) => new[] { random.Next(256), random.Next(256), random.Next(256) };

    private static double Distance(int[] a, int[] b)
        => Math.Sqrt(a.Zip(b, (p, q) => (double)(p - q) * (p - q)).Sum());
}
