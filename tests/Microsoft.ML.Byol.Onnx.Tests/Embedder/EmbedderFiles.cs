using Microsoft.ML.Byol.Onnx.Tests.Support;

namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>A temporary folder holding the test encoder and PNG pictures of assorted sizes (none of the encoder's); deleted on dispose.</summary>
internal class EmbedderFiles : IDisposable
{
    private readonly TempFolder _folder;

    public EmbedderFiles(string prefix = "byol-embedder-tests-")
    {
        _folder = new TempFolder(prefix);
        EncoderPath = Path.Combine(Folder, "encoder.onnx");
        File.WriteAllBytes(EncoderPath, TestEncoder.Bytes);
    }

    public string Folder => _folder.Path;

    public string EncoderPath { get; }

    /// <summary>Writes <paramref name="count"/> PNG files of <see cref="Pictures.Create"/>; returns their paths.</summary>
    public string[] Pngs(int count, int seed = 1)
    {
        var images = Pictures.Create(count, seed);
        var paths = new string[count];
        for (int i = 0; i < count; i++)
        {
            paths[i] = Path.Combine(Folder, $"picture-{seed}-{i}.png");
            images[i].Save(paths[i]);
            images[i].Dispose();
        }

        return paths;
    }

    /// <summary>Writes a file of the given bytes; returns its path.</summary>
    public string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => _folder.Dispose();
}
