using Microsoft.ML.Byol.Cli;

namespace Microsoft.ML.Byol.Cli.Tests;

/// <summary>One in-process run of the byol command line: exit code, standard output and standard error.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await ByolCli.RunAsync(args, CliConsole.Plain(output, error));
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n--- out\n{Out}\n--- error\n{Error}";
}

/// <summary>A temporary folder of small distinct RGB PNGs (a coloured rectangle on a coloured background each).</summary>
internal sealed class ImageFolder : IDisposable
{
    private readonly TempFolder _root = new("byol-cli-");

    public ImageFolder(int count, int size = 24, int seed = 1, bool withBrokenFile = false)
    {
        Folder = Path.Combine(_root.Path, "images");
        Directory.CreateDirectory(Folder);
        var random = new Random(seed);
        var paths = new List<string>();
        for (int i = 0; i < count; i++)
        {
            byte[] background = { (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256) };
            byte[] foreground = { (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256) };
            int x0 = random.Next(size / 2), y0 = random.Next(size / 2);
            int x1 = x0 + random.Next(4, size / 2), y1 = y0 + random.Next(4, size / 2);
            var rgba = new byte[size * size * 4];
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    var colour = x >= x0 && x < x1 && y >= y0 && y < y1 ? foreground : background;
                    int p = (y * size + x) * 4;
                    colour.CopyTo(rgba, p);
                    rgba[p + 3] = 255;
                }
            }
            string path = Path.Combine(Folder, $"{i:D5}.png");
            File.WriteAllBytes(path, TestPng.Encode(size, size, TestPng.Rgba, rgba));
            paths.Add(path);
        }
        Images = paths;
        if (withBrokenFile)
        {
            BrokenFile = Path.Combine(Folder, "broken.png");
            File.WriteAllText(BrokenFile, "this is not a PNG file");
        }
    }

    /// <summary>The images folder (under <see cref="Work"/>).</summary>
    public string Folder { get; }

    /// <summary>A folder beside the images for outputs.</summary>
    public string Work => _root.Path;

    /// <summary>The good images, full paths, in name order.</summary>
    public IReadOnlyList<string> Images { get; }

    /// <summary>The file that is not an image, when asked for.</summary>
    public string? BrokenFile { get; }

    public string PathIn(string name) => Path.Combine(Work, name);

    public void Dispose() => _root.Dispose();
}
