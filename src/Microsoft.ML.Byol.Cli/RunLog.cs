using System.Globalization;
using System.Text;

namespace Microsoft.ML.Byol.Cli;

/// <summary>A log file written line by line from any thread, each line timestamped (UTC), flushed as it goes.</summary>
internal sealed class RunLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly object _gate = new();

    public RunLog(string path)
    {
        Path = path;
        _writer = new StreamWriter(path, append: true, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    }

    public string Path { get; }

    public void Line(string message)
    {
        string stamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        lock (_gate)
        {
            foreach (var line in message.Split('\n'))
                _writer.WriteLine($"{stamp} {line.TrimEnd('\r')}");
        }
    }

    public void Dispose()
    {
        lock (_gate)
            _writer.Dispose();
    }
}
