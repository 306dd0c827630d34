using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Tests.Data;
using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>
/// With the limit raised out of the way, a PNG declaring 1 000 000 × 1 000 000 makes ML.NET's LoadImages fail to
/// allocate; training reports an InvalidDataException naming the row and the file, not SkiaSharp's bare
/// System.Exception. Runs only where the kernel refuses a 4 TB allocation outright (overcommit modes 0 and 2).
/// </summary>
[Trait("Category", "Reliability")]
public sealed class TrainingAllocationFailureTests : IDisposable
{
    private static readonly MLContext Ml = new(seed: 1);
    private readonly TempFolder _folder = new("byol-data-tests-");

    public TrainingAllocationFailureTests() => TorchRuntime.EnsureInitialized();

    public void Dispose() => _folder.Dispose();

    [SkippableFact]
    public void CacheBuilder_UnallocatableImage_IsInvalidDataNamingRowAndFile()
    {
        Skip.IfNot(ResourceProbe.RefusesHugeAllocations(), "the kernel may grant a 4 TB allocation here (overcommit mode 1)");
        string bomb = TestPng.WriteBomb(Path.Combine(_folder.Path, "huge.png"), 1_000_000, 1_000_000);
        var rows = Ml.Data.LoadFromEnumerable(new[] { new TestImages.PathRow { Path = bomb } });
        var data = Ml.Transforms.LoadImages("Image", null, "Path").Fit(rows).Transform(rows);

        var act = () => ImageCacheBuilder.Build(Ml.Transforms, data, "Image", new CacheDecoding(16, MaxImagePixels: long.MaxValue), long.MaxValue, null, CancellationToken.None);

        act.Should().Throw<InvalidDataException>().WithMessage($"Row 0 of input column 'Image'*{bomb}*could not be allocated*");
    }
}
