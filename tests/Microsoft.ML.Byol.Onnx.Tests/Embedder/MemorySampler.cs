using System.Diagnostics;

namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>Samples the process's working set every 20 ms; <see cref="Peak"/> is the largest seen so far.</summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    public MemorySampler()
    {
        Sample();
        _timer = new Timer(_ => Sample(), null, 20, 20);
    }

    public long Peak
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peak);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        using var process = Process.GetCurrentProcess();
        long now = process.WorkingSet64;
        long seen;
        while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }
}
