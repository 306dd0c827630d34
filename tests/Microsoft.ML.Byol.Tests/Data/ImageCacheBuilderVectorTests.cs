using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Data;
using TorchSharp;

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
        => ImageCacheBuilder.Build(Ml, data, "Pixels", size, budget, null, CancellationToken.None);

    [Fact]
    public void GrayVectorsOfTheTrainingSizeAreTakenAsTheyAre()
    {
        var rows = Enumerable.Range(0, 3).Select(i => new Gray28 { Pixels = Ramp(784, i, 1f) }).ToArray();
        using var store = Build(Ml.Data.LoadFromEnumerable(rows), 28);
        (store.Count, store.Channels, store.Height, store.Width).Should().Be((3, 1, 28, 28));
        var cached = TestImages.All(store);
        for (int i = 0; i < 3; i++)
            cached[i].Should().Equal(rows[i].Pixels.Select(v => (byte)v));
    }

    [Fact]
    public void ZeroToOneVectorsAreScaledTo255()
    {
        var rows = Enumerable.Range(0, 3).Select(i => new Flat768 { Pixels = Ramp(768, i, 1f / 255) }).ToArray();
        using var store = Build(Ml.Data.LoadFromEnumerable(rows), 16);
        (store.Channels, store.Height).Should().Be((3, 16));
        var cached = TestImages.All(store);
        for (int i = 0; i < 3; i++)
            cached[i].Should().Equal(rows[i].Pixels.Select(v => (byte)Math.Round(v * 255)));
    }

    [Fact]
    public void ByteScaleDecidedLateRewritesEarlierRows()
    {
        // The first rows hold only 0, 0.4, 0.5, 1 (valid on both scales); a later row has 200: the column is 0–255.
        var small = new[] { 0f, 0.4f, 0.5f, 1f };
        var rows = Enumerable.Range(0, 4).Select(i => new Flat768 { Pixels = Enumerable.Range(0, 768).Select(j => small[(i + j / 7) % 4]).ToArray() }).ToList();
        rows.Add(new Flat768 { Pixels = Enumerable.Repeat(200f, 768).ToArray() });
        using var store = Build(Ml.Data.LoadFromEnumerable(rows), 16);
        store.Channels.Should().Be(3);
        var cached = TestImages.All(store);
        for (int i = 0; i < 4; i++)
            cached[i].Should().Equal(rows[i].Pixels.Select(v => (byte)Math.Round(v, MidpointRounding.AwayFromZero)));
        cached[4].Should().AllSatisfy(v => v.Should().Be(200));
    }

    [Fact]
    public void OtherSizesAreResizedBilinearly()
    {
        var rows = Enumerable.Range(0, 2).Select(i => new Gray28 { Pixels = Ramp(784, i, 1f) }).ToArray();
        using var store = Build(Ml.Data.LoadFromEnumerable(rows), 14);
        (store.Channels, store.Height, store.Width).Should().Be((1, 14, 14));
        var cached = TestImages.All(store);
        using var source = torch.tensor(rows[1].Pixels, new long[] { 1, 1, 28, 28 });
        using var expected = torch.nn.functional.interpolate(source, new long[] { 14, 14 }, mode: torch.InterpolationMode.Bilinear, align_corners: false, antialias: true);
        var want = expected.data<float>().ToArray();
        for (int j = 0; j < want.Length; j++)
            ((int)cached[1][j]).Should().BeCloseTo((int)Math.Round(want[j]), 1);
    }

    [Fact]
    public void ConstantVectorsStayConstantWhenResized()
    {
        var rows = new[] { new Flat768 { Pixels = Enumerable.Range(0, 768).Select(j => j < 256 ? 0.2f : j < 512 ? 0.4f : 1f).ToArray() } };
        using var store = Build(Ml.Data.LoadFromEnumerable(rows), 24);
        var cached = TestImages.All(store)[0];
        cached.Take(576).Should().AllSatisfy(v => v.Should().Be(51));
        cached.Skip(576).Take(576).Should().AllSatisfy(v => v.Should().Be(102));
        cached.Skip(1152).Should().AllSatisfy(v => v.Should().Be(255));
    }

    [Fact]
    public void GreyThreeChannelVectorsAreStoredAsOneChannel()
    {
        var plane = Ramp(256, 4, 1f);
        var rows = new[] { new Flat768 { Pixels = plane.Concat(plane).Concat(plane).ToArray() } };
        using var store = Build(Ml.Data.LoadFromEnumerable(rows), 16);
        store.Channels.Should().Be(1);
        TestImages.All(store)[0].Should().Equal(plane.Select(v => (byte)v));
    }

    [Fact]
    public void NaNNamesTheRow()
    {
        var rows = Enumerable.Range(0, 3).Select(i => new Gray28 { Pixels = Ramp(784, i, 1f) }).ToArray();
        rows[1].Pixels[5] = float.NaN;
        var act = () => Build(Ml.Data.LoadFromEnumerable(rows), 28);
        act.Should().Throw<InvalidOperationException>().Where(e => e.Message.Contains("Row 1") && e.Message.Contains("'Pixels'"));
    }

    [Fact]
    public void SmallBudgetMemoryMapsVectorsToo()
    {
        var rows = Enumerable.Range(0, 5).Select(i => new Flat768 { Pixels = Ramp(768, i, 1f) }).ToArray();
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
        var rows = Enumerable.Range(0, 7).Select(i => new Gray28 { Pixels = Ramp(784, i, 1f) });
        var streaming = Ml.Data.LoadFromEnumerable(rows.Select(r => r)); // an IEnumerable, not a list: no row count
        streaming.GetRowCount().Should().BeNull();
        using var store = Build(streaming, 28);
        store.Count.Should().Be(7);
    }
}
