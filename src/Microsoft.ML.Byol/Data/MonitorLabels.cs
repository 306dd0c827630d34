namespace Microsoft.ML.Byol.Data;

/// <summary>
/// Reads the monitor's label column as class indices, in row order (the order of the image cache), with ML.NET's
/// own <c>MapValueToKey</c>: any label type works (text, numbers, booleans, keys); missing values become −1. Only the
/// rows the cache kept are returned (rows whose image was skipped are left out), so labels and images stay aligned.
/// </summary>
internal static class MonitorLabels
{
    /// <exception cref="ArgumentOutOfRangeException">The column does not exist.</exception>
    /// <param name="transforms">The catalog of the key mapping (the user's).</param>
    /// <param name="data">The training data.</param>
    /// <param name="columnName">The label column.</param>
    /// <param name="keptRows">The data rows the image cache kept, in increasing order.</param>
    public static int[] Read(TransformsCatalog transforms, IDataView data, string columnName, IReadOnlyList<int> keptRows)
    {
        if (data.Schema.GetColumnOrNull(columnName) is null)
            throw new ArgumentOutOfRangeException(nameof(columnName), columnName,
                $"ByolOptions.MonitorLabelColumnName: the data has no column '{columnName}'.");
        const string Key = "__ByolMonitorLabel";
        var keyed = transforms.Conversion.MapValueToKey(Key, columnName).Fit(data).Transform(data);
        var labels = new List<int>(keptRows.Count);
        int row = 0, next = 0;
        using (var cursor = keyed.GetRowCursor(new[] { keyed.Schema[Key] }))
        {
            var getter = cursor.GetGetter<uint>(keyed.Schema[Key]);
            uint key = 0;
            while (next < keptRows.Count && cursor.MoveNext())
            {
                if (keptRows[next] == row++)
                {
                    getter(ref key);
                    labels.Add(key == 0 ? -1 : (int)key - 1);
                    next++;
                }
            }
        }
        if (labels.Count != keptRows.Count)
            throw new InvalidOperationException($"The label column '{columnName}' has fewer rows than the images ({keptRows.Count} kept).");
        return labels.ToArray();
    }
}
