namespace Microsoft.ML.Byol.Cli.Tests;

/// <summary>byol export --precision: converted encoders, their calibration images, and the errors for missing ones.</summary>
public sealed class ExportPrecisionTests : IDisposable
{
    private readonly ImageFolder _images = new(12);

    public void Dispose() => _images.Dispose();

    [Theory]
    [InlineData("int8", ByolOnnxPrecision.Int8)]
    [InlineData("float16", ByolOnnxPrecision.Float16)]
    [InlineData("float32", ByolOnnxPrecision.Float32)]
    public async Task AnEncoderIsConverted_AndEmbedsLikeTheFloatOne(string flag, ByolOnnxPrecision precision)
    {
        string encoder = _images.PathIn("encoder.onnx"), converted = _images.PathIn($"encoder-{flag}.onnx");
        File.WriteAllBytes(encoder, TestEncoder.Bytes);

        var run = await CliRun.RunAsync("export", "--encoder", encoder, "--out", converted, "--precision", flag, "--calibration", _images.Folder, "--calibration-count", "8");

        run.ExitCode.Should().Be(0, run.ToString());
        ByolEncoderInfo.FromOnnx(converted).Precision.Should().Be(precision);
        if (precision == ByolOnnxPrecision.Int8)
            run.Out.Should().Contain("calibrated on 8 images");
        using var floatEmbedder = ByolEmbedder.Load(encoder);
        using var convertedEmbedder = ByolEmbedder.Load(converted);
        var files = Directory.GetFiles(_images.Folder, "*.png").Order(StringComparer.Ordinal).ToList();
        var expected = floatEmbedder.EmbedFiles(files);
        var actual = convertedEmbedder.EmbedFiles(files);
        for (int i = 0; i < files.Count; i++)
            Cosine(actual[i], expected[i]).Should().BeGreaterThan(0.98, $"image {i}");
    }

    [Fact]
    public async Task Int8WithoutCalibrationImages_IsAParseError()
    {
        string encoder = _images.PathIn("encoder.onnx");
        File.WriteAllBytes(encoder, TestEncoder.Bytes);

        var run = await CliRun.RunAsync("export", "--encoder", encoder, "--out", _images.PathIn("int8.onnx"), "--precision", "int8");

        run.ExitCode.Should().NotBe(0);
        run.Error.Should().Contain("--precision int8 needs --calibration DIR");
        File.Exists(_images.PathIn("int8.onnx")).Should().BeFalse();
    }

    [Fact]
    public async Task Int8WithAnEmptyCalibrationFolder_Exits2()
    {
        string encoder = _images.PathIn("encoder.onnx"), empty = _images.PathIn("empty");
        File.WriteAllBytes(encoder, TestEncoder.Bytes);
        Directory.CreateDirectory(empty);

        var run = await CliRun.RunAsync("export", "--encoder", encoder, "--out", _images.PathIn("int8.onnx"), "--precision", "int8", "--calibration", empty);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("holds no image files");
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
