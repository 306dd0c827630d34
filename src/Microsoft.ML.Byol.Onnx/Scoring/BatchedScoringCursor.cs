using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Scoring;

/// <summary>
/// A cursor over the scored view that reads the pixels of up to BatchSize rows ahead (through <see cref="PixelReader"/>,
/// the next batch being read while this one runs), embeds them in one run, then serves those embeddings while the trailing cursor (the per-row chain's, with the
/// embedding column off) moves over the same rows and serves every other column. Both walk the same input in order.
/// </summary>
internal sealed class BatchedScoringCursor : DataViewRowCursor
{
    private readonly DataViewRowCursor _trailing;
    private readonly PixelReadAhead _pixels;
    private readonly BatchScorer _scorer;
    private readonly DataViewSchema.Column _embedding;
    private readonly float[][] _results;
    private int _filled, _index = -1;
    private bool _disposed;

    public BatchedScoringCursor(DataViewRowCursor trailing, PixelReader pixels, BatchScorer scorer, DataViewSchema.Column embedding)
    {
        _trailing = trailing;
        _scorer = scorer;
        _embedding = embedding;
        int batchSize = scorer.BatchSize, size = scorer.Info.ImageSize;
        _pixels = new PixelReadAhead(pixels, batchSize, 3 * size * size);
        _results = new float[batchSize][];
    }

    public override DataViewSchema Schema => _trailing.Schema;

    public override long Position => _trailing.Position;

    public override long Batch => _trailing.Batch;

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index == _embedding.Index || _trailing.IsColumnActive(column);

    public override ValueGetter<DataViewRowId> GetIdGetter() => _trailing.GetIdGetter();

    public override bool MoveNext()
    {
        if (_disposed || !_trailing.MoveNext())
        {
            return false;
        }

        if (++_index >= _filled)
        {
            FillBatch();
        }

        return true;
    }

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index != _embedding.Index)
        {
            return _trailing.GetGetter<TValue>(column);
        }

        if (typeof(TValue) != typeof(VBuffer<float>))
        {
            throw new InvalidOperationException(
                $"Column '{column.Name}' holds {column.Type}; it is read as VBuffer<Single>, not {typeof(TValue).Name}.");
        }

        ValueGetter<VBuffer<float>> getter = GetEmbedding;
        return (ValueGetter<TValue>)(Delegate)getter;
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _pixels.Dispose();
            _trailing.Dispose();
        }

        _disposed = true;
        base.Dispose(disposing);
    }

    private void FillBatch()
    {
        var (buffer, count) = _pixels.Next();
        if (count == 0)
        {
            throw new InvalidOperationException(
                "The input gave fewer rows to the embedding's read-ahead than to the other columns: the batched view needs an input that gives the same rows each time it is read.");
        }

        _scorer.Run(buffer, count, _results);
        _filled = count;
        _index = 0;
    }

    private void GetEmbedding(ref VBuffer<float> value)
    {
        if (_index < 0 || _index >= _filled)
        {
            throw new InvalidOperationException("The cursor is not on a row.");
        }

        float[] embedding = _results[_index];
        var editor = VBufferEditor.Create(ref value, embedding.Length);
        embedding.CopyTo(editor.Values);
        value = editor.Commit();
    }
}
