namespace Microsoft.ML.Byol.Training;

/// <summary>Items per second over the last few steps.</summary>
internal sealed class ThroughputWindow
{
    private readonly Queue<(TimeSpan At, int Items)> _entries = new();
    private readonly int _size;
    private TimeSpan _start = TimeSpan.Zero;

    public ThroughputWindow(int size) => _size = size;

    /// <summary>Records that <paramref name="items"/> were done by <paramref name="at"/>.</summary>
    public void Add(TimeSpan at, int items)
    {
        _entries.Enqueue((at, items));
        while (_entries.Count > _size)
            _start = _entries.Dequeue().At;
    }

    /// <summary>Items per second over the window.</summary>
    public double ItemsPerSecond
    {
        get
        {
            if (_entries.Count == 0)
                return 0;
            double seconds = (_entries.Last().At - _start).TotalSeconds;
            return seconds > 0 ? _entries.Sum(e => e.Items) / seconds : 0;
        }
    }
}
