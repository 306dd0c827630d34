namespace Microsoft.ML.Byol.Data;

/// <summary>
/// Reads the monitor's label column as class indices, in row order (the order of the image cache), with ML.NET's
/// own <c>MapValueToKey</c>: any label type works (text, numbers, booleans, keys); missing values become −1.
/// </summary>
internal static class MonitorLabels
{
    /// <exception cref="ArgumentOutOfRangeException">The column does not exist.</exception>
    public static int[] Read(MLContext mlContext, IDataView data, string columnName, int expectedRows)
    {
        if (data.Schema.GetColumnOrNull(columnName) is null)
            throw new ArgumentOutOfRangeException(nameof(columnName), columnName,
                $"ByolOptions.MonitorLabelColumnName: the data has no column '{columnName}'.");
        const string Key = "__ByolMonitorLabel";
        var keyed = mlContext.Transforms.Conversion.MapValueToKey(Key, columnName).Fit(data).Transform(data);
        var labels = new List<int>(expectedRows);
        using (var cursor = keyed.GetRowCursor(new[] { keyed.Schema[Key] }))
        {
            var getter = cursor.GetGetter<uint>(keyed.Schema[Key]);
            uint key = 0;
            while (cursor.MoveNext())
            {
                getter(ref key);
                labels.Add(key == 0 ? -1 : (int)key - 1);
            }
        }
        if (labels.Count != expectedRows)
            throw new InvalidOperationException($"The label column '{columnName}' has {labels.Count} rows; the images {expectedRows}.");
        return labels.ToArray();
    }
}
