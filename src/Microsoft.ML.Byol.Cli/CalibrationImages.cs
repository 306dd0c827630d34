using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Cli;

/// <summary>
/// The sample images an Int8 export calibrates on: up to a given number of the folder's image files, spread evenly
/// over its (ordinally sorted) files so every sub-folder is represented, loaded by ML.NET's <c>LoadImages</c> into
/// the MLImage column the encoder's transformer reads.
/// </summary>
internal static class CalibrationImages
{
    /// <summary>Images taken when the command line does not say.</summary>
    public const int DefaultCount = 256;

    /// <summary>The column the images are loaded into (the transformer's input column).</summary>
    public const string Column = "Image";

    /// <exception cref="CliException">The folder does not exist or holds no image file.</exception>
    public static (IDataView Images, int Count) Load(MLContext ml, string folder, int count)
    {
        var files = ImageFiles.InFolder(folder);
        int take = Math.Min(count, files.Count);
        var chosen = Enumerable.Range(0, take).Select(i => files[(int)((long)i * files.Count / take)]).ToList();
        var paths = ml.Data.LoadFromEnumerable(chosen.Select(p => new PathRow { Path = p }));
        var images = ml.Transforms.LoadImages(Column, null, nameof(PathRow.Path)).Fit(paths).Transform(paths);
        return (images, take);
    }

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }
}
