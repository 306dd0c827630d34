namespace Microsoft.ML.Byol.Data;

/// <summary>
/// The rows the image cache left out (<see cref="ByolInvalidImageHandling.Skip"/>): how many, and the errors of the
/// first few, which name the row and, when known, the file.
/// </summary>
internal sealed class SkippedRows
{
    /// <summary>Rows named in the log.</summary>
    public const int Named = 5;

    private readonly List<string> _first = new();

    /// <summary>Rows skipped so far.</summary>
    public int Count { get; private set; }

    /// <summary>Records a skipped row; <paramref name="error"/> names it.</summary>
    public void Add(Exception error)
    {
        Count++;
        if (_first.Count < Named)
            _first.Add(error.Message);
    }

    /// <summary>The log sentence: how many of <paramref name="total"/> rows were skipped, and the first few.</summary>
    public string Summary(string columnName, int total)
        => $"Skipped {Count} of {total} rows of input column '{columnName}' whose image could not be used (InvalidImageHandling = Skip)" +
           $"{(Count > _first.Count ? $"; the first {_first.Count}" : "")}: {string.Join(" | ", _first)}";

    /// <summary>The error when no row is left.</summary>
    public InvalidOperationException NoneLeft(string columnName, int total)
        => new($"Every one of the {total} rows of input column '{columnName}' holds an image that could not be used, so there is nothing to " +
               $"train on (InvalidImageHandling = Skip). {(_first.Count > 1 ? $"The first {_first.Count}" : "It")}: {string.Join(" | ", _first)}");
}
