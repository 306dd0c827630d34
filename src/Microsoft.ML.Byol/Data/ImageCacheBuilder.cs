using System.Diagnostics;
using Microsoft.ML.Byol.Embedding;
using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol.Data;

/// <summary>
/// Reads the input column of an <see cref="IDataView"/> once, in one cursor pass, into an <see cref="ImageStore"/> of
/// uint8 pixels at the training size: in memory when it fits the budget, else in a memory-mapped temporary file.
/// Images where every pixel has R = G = B in every row are kept as one channel.
/// </summary>
internal static class ImageCacheBuilder
{
    /// <summary>Builds the cache.</summary>
    /// <param name="mlContext">Context whose ResizeImages/ExtractPixels decode image columns.</param>
    /// <param name="data">Training data.</param>
    /// <param name="columnName">Input column: MLImage, or known-size float vector of C×H×W pixels.</param>
    /// <param name="imageSize">Side of the cached images.</param>
    /// <param name="memoryBudgetBytes">Largest cache kept in memory; a larger one goes to a memory-mapped file.</param>
    /// <param name="log">Receives progress sentences (about every 10 %) and a summary.</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    /// <param name="temporaryDirectory">Folder of the memory-mapped file (null: the system's temporary folder).</param>
    /// <param name="maxImagePixels">Largest image decoded, in pixels (checked on LoadImages' files before decoding).</param>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing, or a size is not positive.</exception>
    /// <exception cref="ArgumentException">The column type is not accepted, or the data has no rows.</exception>
    /// <exception cref="InvalidOperationException">A row holds no usable picture (the message names the row).</exception>
    /// <exception cref="InvalidDataException">An image is larger than <paramref name="maxImagePixels"/>, or its pixels cannot be allocated (the message names the row and file).</exception>
    public static ImageStore Build(MLContext mlContext, IDataView data, string columnName, int imageSize,
        long memoryBudgetBytes, Action<string>? log, CancellationToken cancellationToken, string? temporaryDirectory = null,
        long maxImagePixels = ImageLimits.DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize);
        ArgumentOutOfRangeException.ThrowIfNegative(memoryBudgetBytes);
        var column = ImageColumn.Describe(data.Schema, columnName);
        TorchRuntime.EnsureInitialized();

        var watch = Stopwatch.StartNew();
        long rows = data.GetRowCount() ?? CountRows(data, cancellationToken);
        if (rows == 0)
            throw new ArgumentException($"The training data has no rows (input column '{columnName}').", nameof(data));
        if (rows > int.MaxValue)
            throw new ArgumentException($"The training data has {rows} rows; at most {int.MaxValue} are supported.", nameof(data));
        int count = (int)rows;

        using PixelRowReader reader = column.IsImage
            ? new ImagePixelReader(mlContext, data, column, imageSize, maxImagePixels)
            : new VectorPixelReader(data, column, imageSize);
        if (reader is ImagePixelReader { ChecksFiles: false })
            log?.Invoke($"Column '{columnName}' is not the direct output of LoadImages: image sizes are checked against MaxImagePixels " +
                "only once ML.NET has decoded them, which cannot prevent the allocation of a huge image.");
        int channels = reader.Channels;
        long bytes = (long)count * channels * imageSize * imageSize;
        using CacheWriter writer = bytes <= memoryBudgetBytes
            ? new MemoryCacheWriter(count, channels, imageSize, imageSize)
            : new FileCacheWriter(temporaryDirectory ?? Path.GetTempPath(), count, channels, imageSize, imageSize, memoryBudgetBytes);
        log?.Invoke($"Caching {count} images of column '{columnName}' at {channels}×{imageSize}×{imageSize} " +
            (writer is FileCacheWriter file ? $"in the memory-mapped file {file.Path} ({Megabytes(bytes)}; the memory budget is {Megabytes(memoryBudgetBytes)})." : $"in memory ({Megabytes(bytes)})."));

        bool grey = channels == 3;
        int plane = imageSize * imageSize;
        int read = 0, nextReport = 1;
        while (reader.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (read == count)
                throw new InvalidOperationException($"The training data yielded more rows than the {count} it reported.");
            var image = writer.Image(read);
            reader.Read(read, image);
            grey = grey && IsGrey(image, plane);
            read++;
            if (read * 10L >= nextReport * (long)count && read < count)
            {
                log?.Invoke($"Caching images: {read * 100L / count}% ({read}/{count}) after {watch.Elapsed.TotalSeconds:F1} s.");
                nextReport = (int)(read * 10L / count) + 1;
            }
        }
        if (read != count)
            throw new InvalidOperationException($"The training data yielded {read} rows, not the {count} it reported.");

        var store = writer.Complete(grey ? 1 : channels);
        log?.Invoke($"Cached {count} images as {store.Channels}×{imageSize}×{imageSize}" +
            (grey ? " (every image is grey: one channel kept)" : "") +
            $": {Megabytes((long)count * store.ImageBytes)} {(store is MemoryMappedImageStore ? "in a memory-mapped file" : "in memory")}, in {watch.Elapsed.TotalSeconds:F1} s.");
        return store;
    }

    private static long CountRows(IDataView data, CancellationToken cancellationToken)
    {
        long rows = 0;
        using var cursor = data.GetRowCursor(Array.Empty<DataViewSchema.Column>());
        while (cursor.MoveNext())
        {
            if ((rows & 1023) == 0)
                cancellationToken.ThrowIfCancellationRequested();
            rows++;
        }
        return rows;
    }

    private static bool IsGrey(ReadOnlySpan<byte> image, int plane)
    {
        var red = image[..plane];
        return red.SequenceEqual(image.Slice(plane, plane)) && red.SequenceEqual(image.Slice(2 * plane, plane));
    }

    private static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MB";
}
