using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Tests.Support;

/// <summary>Synthetic shapes written as PNG files, with a data view of (Path, Label) rows for ML.NET pipelines.</summary>
internal sealed class ShapeFiles : IDisposable
{
    public sealed class Row
    {
        public string Path { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private readonly TempFolder _folder;

    private ShapeFiles(TempFolder folder, List<Row> rows)
    {
        _folder = folder;
        Rows = rows;
    }

    public string Folder => _folder.Path;
    public IReadOnlyList<Row> Rows { get; }

    public static ShapeFiles Write(int count, int size, int seed)
    {
        var folder = new TempFolder("byol-shapes-");
        var (pixels, labels) = SyntheticShapes.Generate(count, size, seed);
        var rows = new List<Row>(count);
        int plane = size * size;
        for (int i = 0; i < count; i++)
        {
            var rgba = new byte[plane * 4];
            for (int p = 0; p < plane; p++)
            {
                for (int c = 0; c < 3; c++)
                    rgba[p * 4 + c] = pixels[i * 3 * plane + c * plane + p];
                rgba[p * 4 + 3] = 255;
            }
            string path = System.IO.Path.Combine(folder.Path, $"{i:D5}.png");
            using (var image = MLImage.CreateFromPixels(size, size, MLPixelFormat.Rgba32, rgba))
                image.Save(path);
            rows.Add(new Row { Path = path, Label = "shape" + labels[i] });
        }
        return new ShapeFiles(folder, rows);
    }

    /// <summary>A (Path, Label, Image) view: ML.NET's LoadImages over the files.</summary>
    public IDataView Load(MLContext ml)
        => ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "Path").Fit(ml.Data.LoadFromEnumerable(Rows)).Transform(ml.Data.LoadFromEnumerable(Rows));

    public void Dispose() => _folder.Dispose();
}
