using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Byol.Scoring;

/// <summary>
/// Where the images of an MLImage column come from, when that column is the direct output of ML.NET's
/// <c>LoadImages</c>: the text column holding each row's path and the loader's image folder. ML.NET decodes lazily,
/// when a row's image is read, so knowing the file first lets the size its header declares be checked before ML.NET
/// allocates the pixels.
/// </summary>
/// <remarks>
/// ML.NET 5 says which input column an output column is computed from (<see cref="IRowToRowMapper.GetDependencies"/>,
/// public), but not the loader's folder: its public <see cref="ImageLoadingTransformer.ImageFolder"/> is reached
/// through the view's private fields (<see cref="MlNetInternals.ImageLoadersBehind"/>). When anything in this is not
/// as expected — the view is not LoadImages' own, the column was transformed after loading, or ML.NET's internals
/// changed — the source is unknown and only the decoded image's size can be checked (after the allocation).
/// </remarks>
internal sealed class LoadImagesSource
{
    private LoadImagesSource(DataViewSchema.Column pathColumn, string? folder)
    {
        PathColumn = pathColumn;
        Folder = folder;
    }

    /// <summary>The text column of paths, in the schema of the view the images are read from.</summary>
    public DataViewSchema.Column PathColumn { get; }

    /// <summary>The folder LoadImages combines relative paths with (null or empty: none).</summary>
    public string? Folder { get; }

    /// <summary>The file LoadImages reads for the path <paramref name="value"/>, as ML.NET combines them.</summary>
    public string Resolve(string value) => string.IsNullOrWhiteSpace(Folder) ? value : Path.Combine(Folder, value);

    /// <summary>The source of <paramref name="imageColumn"/> of <paramref name="data"/>, or null when it cannot be known.</summary>
    public static LoadImagesSource? Find(IDataView data, DataViewSchema.Column imageColumn)
    {
        if (data is not IRowToRowMapper mapper || imageColumn.Index >= mapper.OutputSchema.Count)
        {
            return null;
        }

        try
        {
            var output = mapper.OutputSchema[imageColumn.Index];
            if (output.Name != imageColumn.Name || output.Type is not ImageDataViewType)
            {
                return null;
            }

            var dependencies = mapper.GetDependencies(new[] { output }).ToList();
            if (dependencies.Count != 1 || dependencies[0].Type is not TextDataViewType || dependencies[0].Index >= data.Schema.Count)
            {
                return null;
            }

            // The view passes its input columns through at their indices (hidden when a new column takes the name).
            var path = data.Schema[dependencies[0].Index];
            if (path.Name != dependencies[0].Name || path.Type is not TextDataViewType)
            {
                return null;
            }

            var loaders = MlNetInternals.ImageLoadersBehind(data);
            return loaders.Count == 1 ? new LoadImagesSource(path, loaders[0].ImageFolder) : null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or MemberAccessException)
        {
            return null;
        }
    }
}
