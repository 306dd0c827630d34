using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Scoring;

/// <summary>
/// What <see cref="ByolTransformer.Transform"/> returns: the per-row chain's output (same schema, same values), but a
/// cursor that needs the embedding scores its rows in batches, one ONNX Runtime run per batch. Cursors that do not
/// need the embedding are the chain's own. Rows come in input order: no shuffling, and one cursor per cursor set.
/// </summary>
internal sealed class BatchedScoringView(
    IDataView input, IDataView scored, ScoringChain scoring, BatchScorer scorer, string inputColumnName, string outputColumnName, long maxImagePixels)
    : IDataView
{
    public DataViewSchema Schema => scored.Schema;

    public bool CanShuffle => false;

    public long? GetRowCount() => scored.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var needed = columnsNeeded.ToList();
        var embedding = Schema[outputColumnName];
        if (!needed.Any(c => c.Index == embedding.Index))
        {
            return scored.GetRowCursor(needed);
        }

        // The trailing cursor serves every other column; the embedding comes from the batches read ahead.
        var others = needed.Where(c => c.Index != embedding.Index).ToList();
        var trailing = scored.GetRowCursor(others);
        PixelReader? pixels = null;
        try
        {
            pixels = new PixelReader(input, scoring, scorer.Info.ImageSize, inputColumnName, maxImagePixels);
            return new BatchedScoringCursor(trailing, pixels, scorer, embedding);
        }
        catch
        {
            pixels?.Dispose();
            trailing.Dispose();
            throw;
        }
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };
}
