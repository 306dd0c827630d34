namespace Microsoft.ML.Byol.Scoring;

/// <summary>
/// A temporary folder owned by one transformer for the ONNX files its OnnxTransformers read (ML.NET's OnnxTransformer
/// needs a file, and leaves behind the temporary file it makes itself when given a stream). Deleted on dispose.
/// </summary>
internal sealed class PrivateModelFolder : IDisposable
{
    public PrivateModelFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "Microsoft.ML.Byol", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>Full path of the folder.</summary>
    public string Path { get; }

    /// <summary>Writes <paramref name="bytes"/> to a new file named <paramref name="fileName"/>; returns its path.</summary>
    public string Write(string fileName, byte[] bytes)
    {
        string path = System.IO.Path.Combine(Path, fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still held open elsewhere (another process): the folder is in the temp folder; leave it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
