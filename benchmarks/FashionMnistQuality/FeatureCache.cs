using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ByolFashionMnist;

namespace FashionMnistQuality;

/// <summary>
/// Feature vectors kept between runs under <c>~/.cache/microsoft-ml-byol/bench/</c> (or <c>$XDG_CACHE_HOME</c>), never
/// in the repository, in chunks of <see cref="ChunkImages"/> consecutive images of a split: a folder per producer
/// (its name holds the SHA-256 of the model files), a file per chunk (its name is the SHA-256 of the chunk's pixels).
/// A change of model or data misses the cache; a run that is stopped keeps the chunks it finished, so a long
/// featurization resumes where it stopped, and a subset run (<c>--train-images</c>) fills the first chunks of a full one.
/// </summary>
internal sealed class FeatureCache(string producer, string producerSha256)
{
    public const int ChunkImages = 1000;
    private const int Magic = 0x43465942; // "BYFC"
    private const int Version = 1;

    public static string Root
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
            return Path.Combine(root, "microsoft-ml-byol", "bench");
        }
    }

    public string Folder => Path.Combine(Root, $"{producer}-{producerSha256[..16]}");

    /// <summary>Images computed (not read from the cache) by the calls so far, and the time they took.</summary>
    public (int Images, TimeSpan Time) Computed { get; private set; }

    /// <summary>The features of every row of <paramref name="rows"/>: each chunk read from the cache, or computed and written.</summary>
    public float[][] GetOrCompute(IReadOnlyList<PixelRow> rows, Func<IReadOnlyList<PixelRow>, float[][]> compute)
    {
        var result = new float[rows.Count][];
        for (int start = 0; start < rows.Count; start += ChunkImages)
        {
            var chunk = rows.Skip(start).Take(Math.Min(ChunkImages, rows.Count - start)).ToList();
            string path = Path.Combine(Folder, Sha256(chunk)[..32] + ".features");
            if (!TryRead(path, chunk.Count, out var features))
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                features = compute(chunk);
                Computed = (Computed.Images + chunk.Count, Computed.Time + clock.Elapsed);
                Write(path, features);
            }
            features.CopyTo(result, start);
        }
        return result;
    }

    private static string Sha256(IReadOnlyList<PixelRow> rows)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(BitConverter.GetBytes(rows.Count));
        foreach (var row in rows)
            sha.AppendData(MemoryMarshal.AsBytes(row.Image.AsSpan()));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static bool TryRead(string path, int count, out float[][] rows)
    {
        rows = Array.Empty<float[]>();
        if (!File.Exists(path))
            return false;
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadInt32() != Magic || reader.ReadInt32() != Version || reader.ReadInt32() != count)
            return false;
        int dim = reader.ReadInt32();
        rows = new float[count][];
        for (int i = 0; i < count; i++)
        {
            rows[i] = new float[dim];
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(rows[i].AsSpan()));
        }
        return true;
    }

    private static void Write(string path, float[][] rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = path + ".tmp-" + Environment.ProcessId;
        using (var writer = new BinaryWriter(File.Create(temporary)))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(rows.Length);
            writer.Write(rows[0].Length);
            foreach (var row in rows)
                writer.Write(MemoryMarshal.AsBytes(row.AsSpan()));
        }
        File.Move(temporary, path, overwrite: true);
    }
}
