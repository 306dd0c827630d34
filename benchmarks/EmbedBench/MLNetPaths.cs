using Microsoft.ML;
using Microsoft.ML.Byol;
using Microsoft.ML.Byol.Input;
using Microsoft.ML.Data;

namespace EmbedBench;

/// <summary>Reads every value of a float-vector column, as a downstream trainer would.</summary>
internal static class Drain
{
    public static void Column(IDataView view, string name)
    {
        var column = view.Schema[name];
        using var cursor = view.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
        }
    }
}

/// <summary>
/// (b) ByolTransformer in an ML.NET pipeline: <c>Transform</c>'s batched view over MLImage rows; or (b-row,
/// <paramref name="perRow"/>) its per-row chain (<c>TransformPerRow</c>: ML.NET's ResizeImages → ExtractPixels →
/// OnnxTransformer, one ONNX Runtime run per row), what <c>Transform</c> would be without its batched view.
/// </summary>
internal sealed class TransformerPath(MLContext ml, string onnxPath, bool perRow)
    : BenchPath(perRow ? "b-row" : "b", perRow ? "ByolTransformer, per-row chain" : "ByolTransformer (ML.NET view, batched)")
{
    private readonly ByolTransformer _transformer = ml.Transforms.ApplyByolEncoder(onnxPath);

    public override Action Prepare(int count, int seed)
    {
        var data = ml.Data.LoadFromEnumerable(Inputs.Rows(count, seed));
        return perRow
            ? () => Drain.Column(_transformer.TransformPerRow(data), "Embedding")
            : () => Drain.Column(_transformer.Transform(data), "Embedding");
    }

    public override void Dispose() => _transformer.Dispose();
}

/// <summary>(c) ML.NET's own chain, the contract's ResizeImages → ExtractPixels (PixelChain) → ApplyOnnxModel: one ONNX Runtime run per row.</summary>
internal sealed class PerRowOnnxPath : BenchPath
{
    private readonly MLContext _ml;
    private readonly ITransformer _chain;

    public PerRowOnnxPath(MLContext ml, string onnxPath, int imageSize) : base("c", "ML.NET ApplyOnnxModel (per row)")
    {
        _ml = ml;
        var estimator = PixelChain.Create(ml.Transforms, "pixels", "Resized", "Image", imageSize, PixelValues.UnitFloats)
            .Append(ml.Transforms.ApplyOnnxModel("embedding", "pixels", onnxPath));
        _chain = estimator.Fit(ml.Data.LoadFromEnumerable(new List<Inputs.ImageRow>()));
    }

    public override Action Prepare(int count, int seed)
    {
        var data = _ml.Data.LoadFromEnumerable(Inputs.Rows(count, seed));
        return () => Drain.Column(_chain.Transform(data), "embedding");
    }

    public override void Dispose() => (_chain as IDisposable)?.Dispose();
}

/// <summary>
/// (zip) The ByolTransformer saved with <c>mlContext.Model.Save</c> and reloaded in a fresh MLContext before each run
/// (loading and one warm-up row not timed): ML.NET's own per-row chain, as an application that references only ML.NET scores it.
/// </summary>
internal sealed class ZipReloadPath : BenchPath
{
    private readonly string _zip;
    private ITransformer? _loaded;

    public ZipReloadPath(MLContext ml, string onnxPath, string zipPath) : base("zip", "model.zip reloaded in ML.NET, per row")
    {
        _zip = zipPath;
        using var transformer = ml.Transforms.ApplyByolEncoder(onnxPath);
        ml.Model.Save(transformer, inputSchema: null, zipPath); // ML.NET cannot save an image column as the input schema
    }

    public override Action Prepare(int count, int seed)
    {
        (_loaded as IDisposable)?.Dispose();
        var fresh = new MLContext(1);
        var loaded = fresh.Model.Load(_zip, out _);
        _loaded = loaded;
        Drain.Column(loaded.Transform(fresh.Data.LoadFromEnumerable(Inputs.Rows(1, seed))), "Embedding"); // the session's first run, untimed
        var data = fresh.Data.LoadFromEnumerable(Inputs.Rows(count, seed));
        return () => Drain.Column(loaded.Transform(data), "Embedding");
    }

    public override void Dispose()
    {
        (_loaded as IDisposable)?.Dispose();
        File.Delete(_zip);
    }
}
