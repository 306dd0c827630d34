namespace Microsoft.ML.Byol.Tests.Data;

/// <summary>
/// A folder of small generated PNG and JPEG files with about 3 % broken rows (zero-length, truncated, garbage, missing
/// path, bomb header) at known positions, and the data view LoadImages makes of it (with a Label column of the row).
/// </summary>
internal sealed class BrokenPhotoFolder : IDisposable
{
    private readonly TempFolder _folder = new("byol-data-tests-");

    public sealed class Row
    {
        public string Path { get; set; } = "";
        public string Label { get; set; } = "";
    }

    public BrokenPhotoFolder(int rows = 160, bool broken = true)
    {
        var bad = broken ? PhotoFiles.Broken(Folder) : Array.Empty<string>();
        BadRows = broken ? new[] { 7, 40, 81, 120, 150 } : Array.Empty<int>();
        Paths = new string[rows];
        for (int i = 0, b = 0; i < rows; i++)
        {
            if (b < BadRows.Length && BadRows[b] == i)
            {
                Paths[i] = bad[b++];
                continue;
            }
            int width = 16 + (i * 7) % 29, height = 16 + (i * 11) % 23;
            string name = System.IO.Path.Combine(Folder, $"photo-{i:D3}");
            Paths[i] = i % 3 == 0 ? PhotoFiles.Png(name + ".png", width, height, i, alpha: i % 6 == 0) : PhotoFiles.Jpeg(name + ".jpg", width, height, i);
        }
    }

    public string Folder => _folder.Path;

    /// <summary>Path of every row.</summary>
    public string[] Paths { get; }

    /// <summary>The rows that are broken, in order.</summary>
    public int[] BadRows { get; }

    /// <summary>The rows that are not broken, in order.</summary>
    public int[] GoodRows => Enumerable.Range(0, Paths.Length).Except(BadRows).ToArray();

    /// <summary>
    /// The first <paramref name="rows"/> − 2 good files with a JPEG and a PNG cut in their image data, header intact
    /// (<see cref="PhotoFiles.CutInImageData"/>), at rows 3 and <paramref name="rows"/> − 2.
    /// </summary>
    public (string[] Paths, int[] CutRows) WithCutFiles(int rows = 12)
    {
        var paths = GoodRows.Take(rows - 2).Select(r => Paths[r]).ToList();
        int[] cut = { 3, rows - 2 };
        paths.Insert(cut[0], PhotoFiles.CutInImageData(System.IO.Path.Combine(Folder, "cut-in-scan.jpg"), SkiaSharp.SKEncodedImageFormat.Jpeg));
        paths.Insert(cut[1], PhotoFiles.CutInImageData(System.IO.Path.Combine(Folder, "cut-in-idat.png"), SkiaSharp.SKEncodedImageFormat.Png));
        return (paths.ToArray(), cut);
    }

    /// <summary>LoadImages' view of <paramref name="paths"/> (default: every row), with Label = "row{i}".</summary>
    public IDataView Load(MLContext ml, IEnumerable<string>? paths = null)
    {
        var rows = (paths ?? Paths).Select((p, i) => new Row { Path = p, Label = $"row{i}" }).ToList();
        var view = ml.Data.LoadFromEnumerable(rows);
        return ml.Transforms.LoadImages("Image", null, "Path").Fit(view).Transform(view);
    }

    public void Dispose() => _folder.Dispose();
}
