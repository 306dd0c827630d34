using System.Diagnostics;

namespace Microsoft.ML.Byol.Data;

/// <summary>Logs the progress of the cache pass about every 10 %, with the rows read per second.</summary>
internal sealed class CacheProgress(int count, Action<string>? log)
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private int _nextReport = 1;

    /// <summary>Time since the pass started.</summary>
    public TimeSpan Elapsed => _watch.Elapsed;

    /// <summary>Rows per second after <paramref name="rows"/> rows.</summary>
    public double RowsPerSecond(int rows) => rows / Math.Max(_watch.Elapsed.TotalSeconds, 1e-9);

    /// <summary>Called after <paramref name="read"/> rows have been read.</summary>
    public void Report(int read)
    {
        if (read * 10L < _nextReport * (long)count || read >= count)
            return;
        log?.Invoke($"Caching images: {read * 100L / count}% ({read}/{count}) after {_watch.Elapsed.TotalSeconds:F1} s, {RowsPerSecond(read):F1} rows/s.");
        _nextReport = (int)(read * 10L / count) + 1;
    }
}
