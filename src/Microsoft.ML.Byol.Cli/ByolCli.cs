using System.CommandLine;
using Microsoft.ML.Byol.Cli.Commands;

namespace Microsoft.ML.Byol.Cli;

/// <summary>The <c>byol</c> command line (System.CommandLine): pretrain, embed, index, search, export.</summary>
internal static class ByolCli
{
    /// <summary>The root command with its five subcommands, writing to <paramref name="io"/>.</summary>
    public static RootCommand Create(CliConsole io)
    {
        var root = new RootCommand(
            "BYOL self-supervised image pretraining for ML.NET: train an encoder on a folder of images, embed images to " +
            "Parquet, index and search the embeddings, export checkpoints and Triton model repositories.");
        root.Subcommands.Add(PretrainCommand.Create(io));
        root.Subcommands.Add(EmbedCommand.Create(io));
        root.Subcommands.Add(IndexCommand.Create(io));
        root.Subcommands.Add(SearchCommand.Create(io));
        root.Subcommands.Add(ExportCommand.Create(io));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code (<see cref="ExitCodes"/>).</summary>
    public static Task<int> RunAsync(string[] args, CliConsole? io = null, CancellationToken cancellationToken = default)
    {
        io ??= CliConsole.Standard();
        var parsed = Create(io).Parse(args);
        return parsed.InvokeAsync(new InvocationConfiguration { Output = io.Out, Error = io.Error }, cancellationToken);
    }

    /// <summary>
    /// Runs a command's body with the tool's error contract: a <see cref="CliException"/> prints its message (exit 2
    /// unless it says otherwise), cancellation exits 130, any other exception prints its message chain (exit 1).
    /// </summary>
    public static async Task<int> Guard(CliConsole io, string command, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (CliException e)
        {
            io.Fail(command, e.Message);
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            io.Fail(command, "cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            io.Fail(command, Describe(e));
            return ExitCodes.Failed;
        }
    }

    /// <summary>An exception's message followed by those of its inner exceptions (type names where a message says little).</summary>
    public static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            string text = x is TypeInitializationException or AggregateException or System.Reflection.TargetInvocationException
                ? ""
                : $"{x.Message} ({x.GetType().Name})";
            if (text.Length > 0 && !parts.Contains(text))
                parts.Add(text);
        }
        return parts.Count > 0 ? string.Join(" <- ", parts) : e.GetType().Name;
    }
}
