using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Estimator;

/// <summary>ByolPretrain as ML.NET users meet it: schema checks, Fit on image files, seeding, logging, save/load.</summary>
public sealed class ByolEstimatorTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly ShapeFiles _files = ShapeFiles.Write(48, 20, seed: 9);

    public ByolEstimatorTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _files.Dispose();

    private static ByolOptions Tiny(long maxSteps = 3)
    {
        var options = TinyRuns.Options(imageSize: 16, batchSize: 16, epochs: 2);
        options.Seed = null;
        options.MaxSteps = maxSteps;
        return options;
    }

    [Fact]
    public void OutputSchemaAddsAKnownSizeEmbeddingAndChecksTheInput()
    {
        var ml = new MLContext(1);
        var data = _files.Load(ml);
        var shape = ml.Transforms.ByolPretrain(Tiny()).GetOutputSchema(Schemas.Shape(data.Schema));
        var column = shape.Single(c => c.Name == "Embedding");
        column.Kind.Should().Be(SchemaShape.Column.VectorKind.Vector);
        column.ItemType.Should().Be(NumberDataViewType.Single);
        shape.Select(c => c.Name).Should().Contain(new[] { "Path", "Label", "Image" });

        var missing = Tiny();
        missing.InputColumnName = "Picture";
        FluentActions.Invoking(() => ml.Transforms.ByolPretrain(missing).GetOutputSchema(Schemas.Shape(data.Schema)))
            .Should().Throw<ArgumentException>().WithMessage("*Picture*");
        var wrongType = Tiny();
        wrongType.InputColumnName = "Label";
        FluentActions.Invoking(() => ml.Transforms.ByolPretrain(wrongType).Fit(data))
            .Should().Throw<ArgumentException>().WithMessage("*Label*");
    }

    [Fact]
    public void OutputSchemaFeedsTheNextEstimator_AndLeavesTheContextsRandomSequence()
    {
        var data = _files.Load(new MLContext(1));
        var input = Schemas.Shape(data.Schema);
        var ml = new MLContext(7);
        var chained = ml.Transforms.ByolPretrain(Tiny()).Append(ml.Transforms.CopyColumns("Copy", "Embedding")).GetOutputSchema(input);
        chained.Single(c => c.Name == "Copy").Kind.Should().Be(SchemaShape.Column.VectorKind.Vector);

        // Announcing the column registers no host on the user's context (registering draws from its random source).
        var asked = new MLContext(7);
        var estimator = asked.Transforms.ByolPretrain(Tiny());
        var fresh = new MLContext(7);
        _ = fresh.Transforms.ByolPretrain(Tiny());
        estimator.GetOutputSchema(input);
        estimator.GetOutputSchema(input);
        ((IHostEnvironment)asked).Register("next").Rand.Next()
            .Should().Be(((IHostEnvironment)fresh).Register("next").Rand.Next());
    }

    [Fact]
    public void FitTrainsExportsAndTransformsImageFiles()
    {
        var ml = new MLContext(3);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("BYOL")) lock (messages) messages.Add(e.Message); };
        var reports = new List<ByolProgress>();
        var options = Tiny(maxSteps: 4);
        options.Progress = new SyncProgress(reports.Add);
        var data = _files.Load(ml);

        using var model = ml.Transforms.ByolPretrain(options).Fit(data);
        reports.Select(r => r.Step).Should().Equal(1, 2, 3, 4);
        messages.Should().Contain(m => m.Contains("ResNet18")).And.Contain(m => m.Contains("exported"));
        model.EncoderInfo.EmbeddingSize.Should().Be(64);
        model.EncoderInfo.ImageSize.Should().Be(25, "image columns are embedded at the crops' mean zoom (1.56) × the 16 px training size");
        model.EncoderInfo.Training!.ImageSize.Should().Be(16);
        model.EncoderInfo.Architecture.Should().Be(ByolArchitecture.ResNet18);
        model.EncoderInfo.TrainingSummary["steps"].Should().Be("4");

        var scored = model.Transform(_files.Load(ml));
        var type = (VectorDataViewType)scored.Schema["Embedding"].Type;
        type.Size.Should().Be(64);
        var embeddings = scored.GetColumn<float[]>("Embedding").ToList();
        embeddings.Should().HaveCount(48).And.OnlyContain(e => e.Length == 64 && e.All(float.IsFinite));
        embeddings.Select(e => string.Join(",", e.Take(4))).Distinct().Count().Should().BeGreaterThan(40, "different images get different embeddings");
    }

    [Fact]
    public void NullSeedFollowsTheMLContextSeed()
    {
        float[] FirstEmbedding(int contextSeed)
        {
            var ml = new MLContext(contextSeed);
            using var model = ml.Transforms.ByolPretrain(Tiny(maxSteps: 2)).Fit(_files.Load(ml));
            return model.Transform(_files.Load(ml)).GetColumn<float[]>("Embedding").First();
        }

        var a = FirstEmbedding(5);
        var b = FirstEmbedding(5);
        var c = FirstEmbedding(6);
        a.Should().Equal(b);
        a.Should().NotEqual(c);
    }

    [Fact]
    public void EmptyDataAndTooFewImagesAreClearErrors()
    {
        var ml = new MLContext(1);
        var noRows = ml.Data.LoadFromEnumerable(new List<ShapeFiles.Row>());
        var empty = ml.Transforms.LoadImages("Image", null, "Path").Fit(noRows).Transform(noRows);
        FluentActions.Invoking(() => ml.Transforms.ByolPretrain(Tiny()).Fit(empty))
            .Should().Throw<ArgumentException>().WithMessage("*no rows*");
        var few = ml.Data.TakeRows(_files.Load(ml), 5);
        FluentActions.Invoking(() => ml.Transforms.ByolPretrain(Tiny()).Fit(few))
            .Should().Throw<ArgumentException>().WithMessage("*5 image(s)*BatchSize*");
    }

    [Fact]
    public void SavedModelReloadsAndScoresTheSame()
    {
        var ml = new MLContext(2);
        var data = _files.Load(ml);
        using var model = ml.Transforms.ByolPretrain(Tiny(maxSteps: 2)).Fit(data);
        var expected = model.Transform(_files.Load(ml)).GetColumn<float[]>("Embedding").ToList();
        string zip = Path.Combine(_files.Folder, "model.zip");
        ml.Model.Save(model, ml.Data.LoadFromEnumerable(_files.Rows).Schema, zip);

        var fresh = new MLContext();
        var loaded = fresh.Model.Load(zip, out _);
        var rows = fresh.Data.LoadFromEnumerable(_files.Rows);
        var imageLoader = fresh.Transforms.LoadImages("Image", null, "Path").Fit(rows);
        var actual = loaded.Transform(imageLoader.Transform(rows)).GetColumn<float[]>("Embedding").ToList();
        actual.Should().HaveCount(expected.Count);
        for (int i = 0; i < expected.Count; i++)
            actual[i].Zip(expected[i], (x, y) => Math.Abs(x - y)).Max().Should().BeLessThan(1e-5f);
    }

}
