using Microsoft.ML.Data;
using Microsoft.ML.Byol.Onnx.Tests.Support;
using SkiaSharp;

namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>Errors say what went wrong and which input caused it.</summary>
public sealed class ByolEmbedderErrorTests : IDisposable
{
    private readonly EmbedderFiles _files = new();

    public void Dispose() => _files.Dispose();

    private ByolEmbedder Open() => ByolEmbedder.Load(_files.EncoderPath, new ByolEmbedderOptions { BatchSize = 2, IntraOpThreads = 1 });

    [Fact]
    public void MissingImageFile_IsNamed()
    {
        using var embedder = Open();
        var paths = _files.Pngs(3).Append(Path.Combine(_files.Folder, "missing.png")).ToArray();

        var act = () => embedder.EmbedFiles(paths);

        act.Should().Throw<FileNotFoundException>().WithMessage("*missing.png*").Which.FileName.Should().Be(paths[3]);
    }

    [Fact]
    public void UndecodableImageFile_IsNamed()
    {
        using var embedder = Open();
        string bad = _files.Write("not-an-image.png", "this is text, not a PNG"u8.ToArray());

        var act = () => embedder.EmbedFiles(new[] { _files.Pngs(1)[0], bad });

        act.Should().Throw<InvalidDataException>().WithMessage("*not-an-image.png*");
    }

    /// <summary>A JPEG or PNG cut in its image data, header intact (ML.NET would decode it as a partial picture).</summary>
    private string Cut(SKEncodedImageFormat format) =>
        PhotoFiles.CutInImageData(Path.Combine(_files.Folder, $"cut-{format}.{(format == SKEncodedImageFormat.Png ? "png" : "jpg")}"), format);

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Png)]
    public void ImageFileCutInItsImageData_IsNamed(SKEncodedImageFormat format)
    {
        using var embedder = Open();
        string cut = Cut(format);

        var act = () => embedder.EmbedFiles(new[] { _files.Pngs(1)[0], cut });

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain(cut).And.Contain("truncated");
    }

    [Fact]
    public void FailSoft_FilesAndStreamsCutInTheirImageData_CarryTheirError()
    {
        using var embedder = Open();
        var good = _files.Pngs(2);
        string[] paths = { good[0], Cut(SKEncodedImageFormat.Jpeg), good[1], Cut(SKEncodedImageFormat.Png) };

        var files = embedder.EmbedEachFile(paths).ToList();
        var streams = embedder.EmbedEachStream(paths.Select(p => (Path.GetFileName(p), (Stream)new MemoryStream(File.ReadAllBytes(p))))).ToList();

        foreach (var results in new[] { files, streams })
        {
            results.Select(r => r.Succeeded).Should().Equal(true, false, true, false);
            foreach (var failed in results.Where(r => !r.Succeeded))
                failed.Error.Should().BeOfType<InvalidDataException>().Which.Message.Should().Contain(failed.Key).And.Contain("truncated");
        }

        streams[2].Vector.Should().Equal(files[2].Vector);
    }

    [Fact]
    public void WrongPixelCount_SaysWhatWasExpected()
    {
        using var embedder = Open();
        int plane = 3 * TestEncoder.ImageSize * TestEncoder.ImageSize;

        var act = () => embedder.EmbedPixels(new float[2 * plane - 1], 2);

        act.Should().Throw<ArgumentException>().WithMessage($"*{2 * plane}*{2 * plane - 1}*");
    }

    [Fact]
    public void NullImage_IsNamedByIndex()
    {
        using var embedder = Open();

        var act = () => embedder.Embed(new MLImage[] { Pictures.Create(1)[0], null! });

        act.Should().Throw<ArgumentException>().WithMessage("Image 1 is null*");
    }

    [Fact]
    public void AfterDispose_CallsThrow()
    {
        var embedder = Open();
        embedder.Dispose();
        embedder.Dispose();

        embedder.Invoking(e => e.EmbedFiles(new[] { "x.png" })).Should().Throw<ObjectDisposedException>();
        embedder.Invoking(e => e.Embed(Pictures.Create(1))).Should().Throw<ObjectDisposedException>();
        embedder.Invoking(e => e.EmbedPixels(ReadOnlySpan<float>.Empty, 0)).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void MissingOrForeignModel_OrBadOptions_Throw()
    {
        string missing = Path.Combine(_files.Folder, "nope.onnx");
        FluentActions.Invoking(() => ByolEmbedder.Load(missing)).Should().Throw<FileNotFoundException>().WithMessage("*nope.onnx*");

        string foreign = _files.Write("foreign.onnx", "not onnx"u8.ToArray());
        FluentActions.Invoking(() => ByolEmbedder.Load(foreign)).Should().Throw<InvalidDataException>().WithMessage("*foreign.onnx*");

        FluentActions.Invoking(() => ByolEmbedder.Load(_files.EncoderPath, new ByolEmbedderOptions { BatchSize = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*BatchSize*");
    }

    [Fact]
    public void GpuWithoutCuda_FallsBackToCpu_OrSaysWhy()
    {
        using (var embedder = ByolEmbedder.Load(_files.EncoderPath, new ByolEmbedderOptions { GpuDeviceId = 0 }))
        {
            if (embedder.ExecutionProvider != "CPU")
            {
                return; // a machine with CUDA: nothing to check here
            }

            embedder.EmbedPixels(new float[3 * TestEncoder.ImageSize * TestEncoder.ImageSize], 1).Should().HaveCount(1);
        }

        FluentActions.Invoking(() => ByolEmbedder.Load(_files.EncoderPath, new ByolEmbedderOptions { GpuDeviceId = 0, FallbackToCpu = false }))
            .Should().Throw<InvalidOperationException>().WithMessage("*CUDA device 0*FallbackToCpu*");
    }
}
