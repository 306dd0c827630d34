using Microsoft.ML.Byol.Onnx.Tests.Embedder;
using Microsoft.ML.Byol.Onnx.Tests.Support;
using Microsoft.ML.Byol.Scoring;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Byol.Onnx.Tests.Transformer;

/// <summary>The view Transform returns scores in batches and equals the per-row chain, row for row.</summary>
public sealed class ByolTransformerBatchedViewTests
{
    private const int Size = TestEncoder.ImageSize;
    private const float Tolerance = 1e-5f;
    private readonly MLContext _ml = new(seed: 1);

    private sealed class IdImageRow
    {
        public int Id { get; set; }

        [ImageType(1, 1)]
        public MLImage? Image { get; set; }
    }

    private sealed class IdPixelRow
    {
        public int Id { get; set; }

        public float[] Pixels { get; set; } = Array.Empty<float>();
    }

    private IDataView Images(int count) =>
        _ml.Data.LoadFromEnumerable(Pictures.Create(count).Select((image, i) => new IdImageRow { Id = i, Image = image }).ToList());

    private IDataView Vectors(float[][] pixels, int channels)
    {
        var definition = SchemaDefinition.Create(typeof(IdPixelRow));
        definition[nameof(IdPixelRow.Pixels)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, channels, Size, Size);
        return _ml.Data.LoadFromEnumerable(pixels.Select((p, i) => new IdPixelRow { Id = i, Pixels = p }).ToList(), definition);
    }

    private ByolTransformer Create(string input) => ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, "Embedding", input, null, true);

    [Theory]
    [InlineData(1)]
    [InlineData(ByolTransformer.DefaultBatchSize)]
    [InlineData(2 * ByolTransformer.DefaultBatchSize + 5)]
    public void MLImageInput_EqualsThePerRowChain(int rows)
    {
        using var byol = Create("Image");

        var batched = byol.Transform(Images(rows));
        var perRow = byol.TransformPerRow(Images(rows));

        batched.Should().BeOfType<BatchedScoringView>();
        batched.Schema.Select(c => (c.Name, c.Type, c.IsHidden)).Should().Equal(perRow.Schema.Select(c => (c.Name, c.Type, c.IsHidden)));
        var actual = Pictures.Column(batched, "Embedding");
        EmbedderAssert.Close(actual, Pictures.Column(perRow, "Embedding"), Tolerance);
        batched.GetColumn<int>("Id").Should().Equal(Enumerable.Range(0, rows));
        if (rows > 1)
        {
            Embeddings.ShouldBeInformative(actual);
        }
    }

    [Theory]
    [InlineData(3, 37)]
    [InlineData(1, 33)]
    public void FloatVectorInput_EqualsThePerRowChain(int channels, int rows)
    {
        var pixels = ByolTransformerVectorTests.RandomPixels(rows, channels);
        using var byol = Create("Pixels");

        var batched = byol.Transform(Vectors(pixels, channels));
        var perRow = byol.TransformPerRow(Vectors(pixels, channels));

        batched.Schema.Select(c => (c.Name, c.Type)).Should().Equal(perRow.Schema.Select(c => (c.Name, c.Type)));
        EmbedderAssert.Close(Pictures.Column(batched, "Embedding"), Pictures.Column(perRow, "Embedding"), Tolerance);
        batched.GetColumn<int>("Id").Should().Equal(Enumerable.Range(0, rows));
    }

    [Fact]
    public void EmbeddingReplacingTheInputColumn_EqualsThePerRowChain()
    {
        var pixels = ByolTransformerVectorTests.RandomPixels(34, 3);
        using var byol = ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, "Pixels", "Pixels", null, true);

        var batched = byol.Transform(Vectors(pixels, 3));

        batched.Schema.Where(c => !c.IsHidden).Select(c => c.Name).Should().Equal("Id", "Pixels");
        EmbedderAssert.Close(Pictures.Column(batched, "Pixels"), Pictures.Column(byol.TransformPerRow(Vectors(pixels, 3)), "Pixels"), Tolerance);
    }

    [Fact]
    public void CursorsOverColumnSubsets_GiveTheRightRows()
    {
        const int rows = 40;
        var pixels = ByolTransformerVectorTests.RandomPixels(rows, 3);
        using var byol = Create("Pixels");
        var batched = byol.Transform(Vectors(pixels, 3));
        var expected = Pictures.Column(byol.TransformPerRow(Vectors(pixels, 3)), "Embedding");
        var id = batched.Schema["Id"];
        var embedding = batched.Schema["Embedding"];

        // Only the embedding.
        using (var cursor = batched.GetRowCursor(new[] { embedding }))
        {
            cursor.IsColumnActive(embedding).Should().BeTrue();
            cursor.IsColumnActive(id).Should().BeFalse();
            EmbedderAssert.Close(ReadEmbeddings(cursor, embedding, rows), expected, Tolerance);
        }

        // No embedding: the per-row chain's own cursor, which never runs the encoder.
        using (var cursor = batched.GetRowCursor(new[] { id }))
        {
            cursor.IsColumnActive(embedding).Should().BeFalse();
            var ids = new List<int>();
            var getId = cursor.GetGetter<int>(id);
            while (cursor.MoveNext())
            {
                int value = 0;
                getId(ref value);
                ids.Add(value);
            }

            ids.Should().Equal(Enumerable.Range(0, rows));
        }

        // Both, reading the embedding of only some rows, with positions in step.
        using (var cursor = batched.GetRowCursor(new[] { id, embedding }))
        {
            var getId = cursor.GetGetter<int>(id);
            var getEmbedding = cursor.GetGetter<VBuffer<float>>(embedding);
            VBuffer<float> value = default;
            for (int row = 0; cursor.MoveNext(); row++)
            {
                cursor.Position.Should().Be(row);
                int rowId = -1;
                getId(ref rowId);
                rowId.Should().Be(row);
                if (row % 3 == 0)
                {
                    getEmbedding(ref value);
                    EmbedderAssert.Close(new[] { value.DenseValues().ToArray() }, new[] { expected[row] }, Tolerance);
                }
            }
        }
    }

    [Fact]
    public void RowCount_Shuffling_AndCursorSets()
    {
        var pixels = ByolTransformerVectorTests.RandomPixels(5, 3);
        using var byol = Create("Pixels");
        var batched = byol.Transform(Vectors(pixels, 3));

        batched.GetRowCount().Should().Be(5);
        batched.CanShuffle.Should().BeFalse();
        var set = batched.GetRowCursorSet(batched.Schema, n: 4);
        set.Should().HaveCount(1);
        using var cursor = set[0];
        ReadEmbeddings(cursor, batched.Schema["Embedding"], 5).Should().HaveCount(5);
    }

    [Fact]
    public void CursorDisposedMidway_WhileTheNextBatchIsRead_StopsCleanly()
    {
        using var byol = Create("Image");
        var batched = byol.Transform(Images(3 * ByolTransformer.DefaultBatchSize));
        var column = batched.Schema["Embedding"];

        var cursor = batched.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        for (int i = 0; i < 5 && cursor.MoveNext(); i++)
        {
            getter(ref value);
        }

        cursor.Dispose();

        cursor.MoveNext().Should().BeFalse();
        value.Length.Should().Be(TestEncoder.EmbeddingSize);
    }

    [Fact]
    public async Task CursorsOnSeveralThreads_ShareTheSessionAndGiveTheSameEmbeddings()
    {
        var pixels = ByolTransformerVectorTests.RandomPixels(45, 3);
        using var byol = Create("Pixels");
        var expected = Pictures.Column(byol.TransformPerRow(Vectors(pixels, 3)), "Embedding");
        var view = byol.Transform(Vectors(pixels, 3));

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Pictures.Column(view, "Embedding"))));

        foreach (var actual in results)
        {
            EmbedderAssert.Close(actual, expected, Tolerance);
        }
    }

    [Fact]
    public void Cursor_AfterDispose_Throws()
    {
        var byol = Create("Pixels");
        var batched = byol.Transform(Vectors(ByolTransformerVectorTests.RandomPixels(2, 3), 3));
        byol.Dispose();

        var act = () => batched.GetColumn<VBuffer<float>>("Embedding").ToList();

        act.Should().Throw<ObjectDisposedException>();
    }

    private static float[][] ReadEmbeddings(DataViewRowCursor cursor, DataViewSchema.Column column, int rows)
    {
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var result = new List<float[]>();
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value.DenseValues().ToArray());
        }

        result.Should().HaveCount(rows);
        return result.ToArray();
    }
}
