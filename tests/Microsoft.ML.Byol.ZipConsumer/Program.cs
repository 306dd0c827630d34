// Usage: Microsoft.ML.Byol.ZipConsumer <model.zip> <image column> <embedding column> <image file>...
// Loads the model with mlContext.Model.Load, feeds the image files through LoadImages into <image column>, and
// prints {"embeddings": [[...], ...]} (one array per file, in order) to stdout.
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: <model.zip> <image column> <embedding column> <image file>...");
    return 2;
}

string modelPath = args[0], imageColumn = args[1], embeddingColumn = args[2];
var files = args.Skip(3).Select(Path.GetFullPath).ToList();

var mlContext = new MLContext(seed: 1);
ITransformer model = mlContext.Model.Load(modelPath, out _);

var paths = mlContext.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f }));
var images = mlContext.Transforms.LoadImages(imageColumn, imageFolder: null, inputColumnName: nameof(PathRow.Path))
    .Fit(paths).Transform(paths);
var scored = model.Transform(images);

var column = scored.Schema[embeddingColumn];
var embeddings = new List<float[]>();
using (var cursor = scored.GetRowCursor(new[] { column }))
{
    var getter = cursor.GetGetter<VBuffer<float>>(column);
    VBuffer<float> value = default;
    while (cursor.MoveNext())
    {
        getter(ref value);
        embeddings.Add(value.DenseValues().ToArray());
    }
}

var output = new Dictionary<string, object>
{
    ["columnType"] = column.Type.ToString() ?? "",
    ["embeddings"] = embeddings.Select(e => e.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray()).ToArray(),
};
Console.WriteLine(JsonSerializer.Serialize(output));
return 0;

internal sealed class PathRow
{
    public string Path { get; set; } = "";
}
