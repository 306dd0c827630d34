namespace Microsoft.ML.Byol.Cli;

/// <summary>
/// A failure the user can fix (a missing folder, no images, an unreadable encoder, contradicting options): its message
/// is printed as it is, without a stack trace, and the command exits with <see cref="ExitCode"/>.
/// </summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.BadInput, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The process exit code (<see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; } = exitCode;
}

/// <summary>The exit codes of every command.</summary>
internal static class ExitCodes
{
    /// <summary>Done (embed: at least one image was embedded; the others are counted and listed in the errors file).</summary>
    public const int Ok = 0;

    /// <summary>The work failed (training, ONNX Runtime, writing, or no image at all could be embedded). Also System.CommandLine's code for a command line it cannot parse.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: a missing or empty folder, a missing or unreadable file, options that contradict each other.</summary>
    public const int BadInput = 2;

    /// <summary>Cancelled (Ctrl+C); pretrain resumes from its last checkpoint when started again with the same options.</summary>
    public const int Cancelled = 130;
}
