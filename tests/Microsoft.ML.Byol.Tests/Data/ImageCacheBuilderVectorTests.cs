using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Tests.Data;

public sealed class ImageCacheBuilderVectorTests
{
    private static readonly MLContext Ml = new(seed: 1);

    public ImageCacheBuilderVectorTests() => TorchRuntime.EnsureInitialized();

    private sealed class Gray28
    {
        [VectorType(1, 28, 28)]
        public float[] Pixels { get; set; } = Array.Empty<float>();
    }

    private sealed class Flat768
    {
        [VectorType(768)]
        public float[] Pixels { get; set; } = Array.Empty<float>();
    }

    private static float[] Ramp(int length, int seed, float scale)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.Next(256) * scale).ToArray();
    }

    private static ImageStore Build(IDataView data, int size, long budget = long.MaxValue)
        => ImageCacheBuilder.Build(Ml.Transforms, data, "Pixels", new CacheDecoding(size), budget, null, CancellationToken.None);

    private static byte[] Bytes(IEnumerable<float> values) => values.Select(v => (byte)Math.Round(v * 255, MidpointRounding.AwayFromZero)).ToArray();

    [Fact]
    public void GrayVectorsOfTheTrainingSizeAreTakenAsTheyAre()
    {
        var rows = Enumerable.Range(0, 3).Select(i => new Gray28 { Pixels = Ramp(784, i, 1f / 255) }).ToArray();
        using var store = Build(Ml.Data.LoadFromEnumerable(rows), 28);
        (store.Count, store.Channels, store.Height, store.Width).Should().Be((3, 1, 28, 28));
        var cached = TestImages.All(store);
        for (int i = 0; i < 3; i++)
            cached[i].Should().Equal(Bytes(rows[i].Pixels));
    }

    [Fact]
    public void FlatColourVectorsAreScaledTo255()
    {
        var rows = Enumerable.Range(0, 3).Select(i => new Flat768 { Pixels = Ramp(768, i, 1f / 255) }).ToArray();
        using var store = Build(Ml.Data.LoadFromEnumerable(rows), 16);
        (store.Channels, store.Height).Should().Be((3, 16));
        var cached = TestImages.All(store);
        for (int i = 0; i < 3; i++)
            cached[i].Should().Equal(Bytes(rows[i].Pixels));
    }

    [Fact]
    public void ValuesOutsideZeroToOneNameTheRowAndSayWhatToDo()
    {
        var rows = Enumerable.Range(0, 3).Select(i => new Flat768 { Pixels = Ramp(768, i, 1f / 255) }).ToArray();
        rows[2].Pixels[7] = 200f;
        var act = () => Build(Ml.Data.LoadFromEnumerable(rows), 16);
        act.Should().Throw<InvalidOperationException>()
            .Where(e => e.Message.Contains("Row 2") && e.Message.Contains("'Pixels'") && e.Message.Contains("[0, 1]"));
    }

    [Fact]
    public void OtherSizesThanTheTrainingSizeAreAClearError()
    {
        var rows = Enumerable.Range(0, 2).Select(i => new Gray28 { Pixels = Ramp(784, i, 1f / 255) }).ToArray();
        var act = () => Build(Ml.Data.LoadFromEnumerable(rows), 14);
        act.Should().Throw<ArgumentException>().Where(e => e.Message.Contains("'Pixels'") && e.Message.Contains("ImageSize is 14"));
    }

    [Fact]
    public void GreyThreeChannelVectorsAreStoredAsOneChannel()
    {
        var plane = Ramp(256, 4, 1f / 255);
        var rows = new[] { new Flat768 { Pixels = plane.Concat(plane).Concat(plane).ToArray() } };
        using var store = Build(Ml.Data.LoadFromEnumerable(rows), 16);
        store.Channels.Should().Be(1);
        TestImages.All(store)[0].Should().Equal(Bytes(plane));
    }

    [Fact]
    public void NaNNamesTheRow()
    {
        var rows = Enumerable.Range(0, 3).Select(i => new Gray28 { Pixels = Ramp(784, i, 1f / 255) }).ToArray();
        rows[1].Pixels[5] = float.NaN;
        var act = () => Build(Ml.Data.LoadFromEnumerable(rows), 28);
        act.Should().Throw<InvalidOperationException>().Where(e => e.Message.Contains("Row 1") && e.Message.Contains("'Pixels'"));
    }

    [Fact]
    public void SmallBudgetMemoryMapsVectorsToo()
    {
        var rows = Enumerable.Range(0, 5).Select(i => new Flat768 { Pixels = Ramp(768, i, 1f / 255) }).ToArray();
        using var memory = Build(Ml.Data.LoadFromEnumerable(rows), 16);
        var mapped = Build(Ml.Data.LoadFromEnumerable(rows), 16, budget: 1000);
        string path = mapped.Should().BeOfType<MemoryMappedImageStore>().Subject.Path;
        TestImages.All(mapped).Should().BeEquivalentTo(TestImages.All(memory), o => o.WithStrictOrdering());
        mapped.Dispose();
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public void DataViewWithoutRowCountIsCountedFirst()
    {
        var rows = Enumerable.Range(0, 7).Select(i => new Gray28 { Pixels = Ramp(784, i, 1f / 255) });
        var streaming = Ml.Data.LoadFromEnumerable(rows.Select(r => r)); // an IEnumerable, not a list: no row count
        streaming.GetRowCount().Should().BeNull();
        using var store = Build(streaming, 28);
        store.Count.Should().Be(7);
    }
}
