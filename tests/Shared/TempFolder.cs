namespace Microsoft.ML.Byol.Tests.Shared;

/// <summary>
/// A uniquely named folder under the system's temporary folder (<c>{prefix}{guid}</c>), deleted with everything in it
/// on dispose. Created at once unless <c>create</c> is false (for tests that let the code under test create it).
/// </summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix, bool create = true)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        if (create)
            Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}
