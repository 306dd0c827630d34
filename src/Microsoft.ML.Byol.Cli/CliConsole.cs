using Spectre.Console;

namespace Microsoft.ML.Byol.Cli;

/// <summary>
/// Where a command writes: Spectre.Console for progress bars and tables, plain writers for result lines, the
/// command-line parser's help and errors. Tests run the commands in-process on <see cref="Plain"/> writers.
/// </summary>
internal sealed class CliConsole(IAnsiConsole console, TextWriter output, TextWriter error)
{
    /// <summary>Progress bars and tables (a terminal gets live bars; redirected output gets plain progress lines).</summary>
    public IAnsiConsole Console { get; } = console;

    /// <summary>Results (one line each, never wrapped).</summary>
    public TextWriter Out { get; } = output;

    /// <summary>Errors and warnings.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>The process's own console.</summary>
    public static CliConsole Standard() => new(AnsiConsole.Console, System.Console.Out, System.Console.Error);

    /// <summary>No colours, no live display, no terminal: everything as text into the two writers.</summary>
    public static CliConsole Plain(TextWriter output, TextWriter error) =>
        new(AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        }), output, error);

    /// <summary>A progress display with a bar, percentage, elapsed and remaining time; left on screen when done.</summary>
    public Progress NewProgress() =>
        Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn());

    /// <summary>Writes <c>byol COMMAND: error: MESSAGE</c> to the error writer.</summary>
    public void Fail(string command, string message) => Error.WriteLine($"byol {command}: error: {message}");

    /// <summary>Writes <c>byol COMMAND: warning: MESSAGE</c> to the error writer.</summary>
    public void Warn(string command, string message) => Error.WriteLine($"byol {command}: warning: {message}");
}

/// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread (Progress&lt;T&gt; would post to a synchronization context).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
