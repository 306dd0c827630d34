using Microsoft.ML.Byol.Onnx.Tests.Support;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Byol.Onnx.Tests.Precision;

/// <summary>
/// The test encoder (random weights, 32 px) in three precisions: Int8 calibrated on <see cref="CalibrationCount"/>
/// images, checked on other, held-out images drawn the same way (smooth colour fields with noise, like photos more
/// than uniform noise is).
/// </summary>
internal static class PrecisionFixture
{
    public const int Size = TestEncoder.ImageSize;
    public const int CalibrationCount = 48;
    private static readonly MLContext Ml = new(seed: 1);

    private sealed class PixelRow
    {
        public float[] Pixels { get; set; } = Array.Empty<float>();
    }

    public static IDataView View(float[][] pixels)
    {
        var definition = SchemaDefinition.Create(typeof(PixelRow));
        definition[nameof(PixelRow.Pixels)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 3, Size, Size);
        return Ml.Data.LoadFromEnumerable(pixels.Select(p => new PixelRow { Pixels = p }).ToList(), definition);
    }

    public static ByolTransformer Transformer(byte[] encoder) =>
        ByolTransformer.Create(Ml.Transforms, encoder, "Embedding", "Pixels", null, true);

    /// <summary>Images: a random colour gradient per channel plus pixel noise, in [0, 1].</summary>
    public static float[][] Images(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var image = new float[3 * Size * Size];
            for (int c = 0; c < 3; c++)
            {
                float a = random.NextSingle(), bx = random.NextSingle() - 0.5f, by = random.NextSingle() - 0.5f;
                for (int y = 0; y < Size; y++)
                {
                    for (int x = 0; x < Size; x++)
                    {
                        float v = a + (bx * x + by * y) / Size + 0.15f * (random.NextSingle() - 0.5f);
                        image[(c * Size + y) * Size + x] = Math.Clamp(v, 0f, 1f);
                    }
                }
            }

            return image;
        }).ToArray();
    }

    /// <summary>Grey images: a black background and a bright rectangle, the same in R, G and B.</summary>
    public static float[][] HighContrastImages(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var image = new float[3 * Size * Size];
            int x0 = random.Next(Size / 2), y0 = random.Next(Size / 2), x1 = x0 + random.Next(6, Size / 2), y1 = y0 + random.Next(6, Size / 2);
            float level = 0.7f + 0.3f * random.NextSingle();
            for (int c = 0; c < 3; c++)
            {
                for (int y = y0; y < y1; y++)
                {
                    for (int x = x0; x < x1; x++)
                    {
                        image[(c * Size + y) * Size + x] = level;
                    }
                }
            }

            return image;
        }).ToArray();
    }

    public static byte[] Export(ByolOnnxPrecision precision, Func<float[][], float[][]>? breakCalibration = null, byte[]? encoder = null)
    {
        using var byol = Transformer(encoder ?? TestEncoder.Bytes);
        using var stream = new MemoryStream();
        var calibration = Images(CalibrationCount, seed: 11);
        byol.ExportOnnx(stream, precision, precision == ByolOnnxPrecision.Int8 ? View(breakCalibration?.Invoke(calibration) ?? calibration) : null);
        return stream.ToArray();
    }

    /// <summary>Embeds pixels with an encoder's bytes through ONNX Runtime (CPU, all graph optimisations).</summary>
    public static float[][] Embed(byte[] encoder, float[][] pixels)
    {
        var flat = pixels.SelectMany(p => p).ToArray();
        var (output, shape) = OrtRunner.Run(encoder, "pixels", flat, new long[] { pixels.Length, 3, Size, Size });
        int dim = (int)shape[1];
        return Enumerable.Range(0, pixels.Length).Select(i => output.AsSpan(i * dim, dim).ToArray()).ToArray();
    }

    /// <summary>The largest cosine distance (1 − cos) between rows of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static double WorstCosineDistance(float[][] a, float[][] b)
    {
        a.Should().HaveSameCount(b);
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double dot = 0, na = 0, nb = 0;
            for (int j = 0; j < a[i].Length; j++)
            {
                dot += (double)a[i][j] * b[i][j];
                na += (double)a[i][j] * a[i][j];
                nb += (double)b[i][j] * b[i][j];
            }

            worst = Math.Max(worst, 1 - dot / Math.Sqrt(na * nb));
        }

        return worst;
    }

    /// <summary>The operator types of the graph ONNX Runtime runs after its optimisations (ORT_ENABLE_ALL, CPU).</summary>
    public static List<string> OptimisedOperators(byte[] encoder)
    {
        string path = Path.Combine(Path.GetTempPath(), $"byol-optimised-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = path })
            using (new InferenceSession(encoder, options))
            {
            }

            return global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.Select(n => n.OpType).ToList();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
