using Microsoft.ML.Byol.Onnx.Tests.Support;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>
/// With the limit raised out of the way, a PNG declaring 1 000 000 × 1 000 000 (4 TB of pixels) makes SkiaSharp fail
/// to allocate; its bare System.Exception ("Unable to allocate pixels for the bitmap") must become an
/// InvalidDataException naming the file, in the embedder's own decoder and under ML.NET's LoadImages alike.
/// Runs only where the kernel refuses such an allocation outright (overcommit modes 0 and 2).
/// </summary>
[Trait("Category", "Reliability")]
[Collection(Microsoft.ML.Byol.Onnx.Tests.Support.MemoryMeasurementCollection.Name)]
public sealed class AllocationFailureTests : IDisposable
{
    private const int Side = 1_000_000; // libpng's own limit per side
    private readonly MLContext _ml = new(seed: 1);
    private readonly ReliabilityFiles _files = new();

    public void Dispose() => _files.Dispose();

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    [SkippableFact]
    public void EmbedFiles_UnallocatableImage_IsInvalidDataNamingTheFile()
    {
        Skip.IfNot(ResourceProbe.RefusesHugeAllocations(), "the kernel may grant a 4 TB allocation here (overcommit mode 1)");
        string bomb = _files.Bomb(Side);
        using var embedder = ByolEmbedder.Load(_files.EncoderPath, new ByolEmbedderOptions { MaxImagePixels = long.MaxValue, IntraOpThreads = 1 });

        var act = () => embedder.EmbedFiles(new[] { bomb });

        act.Should().Throw<InvalidDataException>().WithMessage($"*{bomb}*could not be allocated*")
            .WithInnerException<Exception>().Where(e => e.GetType() == typeof(Exception));
    }

    [SkippableFact]
    public void Transformer_UnallocatableImageUnderLoadImages_IsInvalidDataNamingTheFile()
    {
        Skip.IfNot(ResourceProbe.RefusesHugeAllocations(), "the kernel may grant a 4 TB allocation here (overcommit mode 1)");
        string bomb = _files.Bomb(Side);
        using var byol = ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, "Embedding", "Image", null, true, maxImagePixels: long.MaxValue);
        var rows = _ml.Data.LoadFromEnumerable(new[] { new PathRow { Path = bomb } });
        var scored = byol.Transform(_ml.Transforms.LoadImages("Image", null, nameof(PathRow.Path)).Fit(rows).Transform(rows));

        var act = () => Pictures.Column(scored, "Embedding");

        act.Should().Throw<InvalidDataException>().WithMessage($"*'Image'*{bomb}*could not be allocated*");
    }
}
