namespace Microsoft.ML.Byol.Cli;

/// <summary>Opens an encoder (.onnx) with a clear error for a missing or unreadable file.</summary>
internal static class EncoderFile
{
    /// <exception cref="CliException">The file does not exist or is not a BYOL encoder ONNX Runtime can run.</exception>
    public static ByolEmbedder Load(string path, ByolEmbedderOptions? options = null)
    {
        Check(path);
        try
        {
            return ByolEmbedder.Load(path, options);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            throw new CliException($"Cannot read the encoder '{path}': {ByolCli.Describe(e)}", ExitCodes.BadInput, e);
        }
    }

    /// <exception cref="CliException">The file does not exist or is not a BYOL encoder.</exception>
    public static ByolEncoderInfo Info(string path)
    {
        Check(path);
        try
        {
            return ByolEncoderInfo.FromOnnx(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read the encoder '{path}': {e.Message}", ExitCodes.BadInput, e);
        }
    }

    private static void Check(string path)
    {
        if (!File.Exists(path))
            throw new CliException(Directory.Exists(path) ? $"The encoder '{path}' is a folder; give the .onnx file." : $"The encoder '{path}' does not exist.");
    }
}
