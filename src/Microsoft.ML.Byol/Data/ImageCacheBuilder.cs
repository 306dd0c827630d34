using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Byol.Embedding;
using Microsoft.ML.Byol.Input;
using Microsoft.ML.Byol.Scoring;
using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol.Data;

/// <summary>
/// Reads the input column of an <see cref="IDataView"/> once into an <see cref="ImageStore"/> of uint8 pixels: in
/// memory when it fits the budget, else in a memory-mapped temporary file. Image columns are stored either as the
/// scoring view (centre iso-crop at the training size) or, given a whole-image side S, whole: each picture fitted
/// into an S×S square (aspect kept, padded with black, as ML.NET's <c>ResizeImages(IsoPad)</c>), with its content
/// box recorded (<see cref="ImageStore.ContentBoxes"/>) so that crops are drawn from the picture only. Float-vector
/// columns are stored as given, at the training size (their size is the scoring contract). When the column is
/// LoadImages' own output, its files are decoded on every core (<see cref="ParallelFileCacheFiller"/>); otherwise one
/// cursor reads it through ML.NET's transforms. Either way the cache keeps the data's order. Only the first pass sees
/// the files, so only it refuses a truncated file: ML.NET decodes one cut short after its header as a partial picture
/// and gives no sign of it, so the one-cursor pass keeps it. Images where every pixel
/// has R = G = B in every row are kept as one channel. With <see cref="ByolInvalidImageHandling.Skip"/>, rows whose
/// image cannot be used are left out and logged.
/// </summary>
internal static class ImageCacheBuilder
{
    /// <summary>Builds the cache.</summary>
    /// <param name="transforms">The catalog (the user's) whose ResizeImages/ExtractPixels decode image columns.</param>
    /// <param name="data">Training data.</param>
    /// <param name="columnName">Input column: MLImage, or known-size float vector of C×H×W pixels.</param>
    /// <param name="decoding">
    /// The training size (side of cached float vectors, and of image columns unless a whole-image side is given), the
    /// side of the padded square image columns are stored whole in (null: the centre crop at the training size), the
    /// largest image decoded (checked on LoadImages' files before decoding), and whether the parallel pass decodes
    /// JPEG and WebP files at a reduced size (<see cref="ByolOptions.ReducedSizeDecoding"/>).
    /// </param>
    /// <param name="memoryBudgetBytes">Largest cache kept in memory; a larger one goes to a memory-mapped file.</param>
    /// <param name="log">Receives progress sentences (about every 10 %) and a summary.</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    /// <param name="temporaryDirectory">Folder of the memory-mapped file (null: the system's temporary folder).</param>
    /// <param name="invalidImages">Whether a row whose image cannot be used stops the pass or is left out.</param>
    /// <param name="keptRows">When given, receives the index of every data row kept, in cache order.</param>
    /// <param name="parallelFiles">
    /// Whether LoadImages' files are decoded on several threads with the direct decoder (false: through ML.NET's
    /// transforms on one cursor, as for every other column).
    /// </param>
    /// <param name="workers">Threads of the parallel pass (null: the processor count).</param>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing, or a size is not positive.</exception>
    /// <exception cref="ArgumentException">The column type is not accepted, or the data has no rows.</exception>
    /// <exception cref="InvalidOperationException">A row holds no usable picture (the message names the row), or, with Skip, none does.</exception>
    /// <exception cref="InvalidDataException">An image is larger than the decoding's <see cref="CacheDecoding.MaxImagePixels"/>, or its pixels cannot be allocated (the message names the row and file).</exception>
    public static ImageStore Build(TransformsCatalog transforms, IDataView data, string columnName, CacheDecoding decoding,
        long memoryBudgetBytes, Action<string>? log, CancellationToken cancellationToken, string? temporaryDirectory = null,
        ByolInvalidImageHandling invalidImages = ByolInvalidImageHandling.Throw,
        List<int>? keptRows = null, bool parallelFiles = true, int? workers = null)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(decoding);
        var (imageSize, wholeImageSide, maxImagePixels, reducedDecoding) = decoding;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize, nameof(decoding));
        ArgumentOutOfRangeException.ThrowIfNegative(memoryBudgetBytes);
        if (wholeImageSide is { } requested)
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requested, nameof(decoding));
        var column = InputColumn.Describe(data.Schema, columnName);
        TorchRuntime.EnsureInitialized();

        long rows = data.GetRowCount() ?? CountRows(data, cancellationToken);
        if (rows == 0)
            throw new ArgumentException($"The training data has no rows (input column '{columnName}').", nameof(data));
        if (rows > int.MaxValue)
            throw new ArgumentException($"The training data has {rows} rows; at most {int.MaxValue} are supported.", nameof(data));
        int count = (int)rows;
        var skipped = invalidImages == ByolInvalidImageHandling.Skip ? new SkippedRows() : null;
        keptRows?.Clear();

        var source = column.IsImage && parallelFiles ? LoadImagesSource.Find(data, data.Schema[column.Index]) : null;
        int channels = column.IsImage ? 3 : column.Channels;
        int? whole = column.IsImage ? wholeImageSide : null;
        int side = whole ?? imageSize;
        long bytes = (long)count * channels * side * side;
        using CacheWriter writer = bytes <= memoryBudgetBytes
            ? new MemoryCacheWriter(count, channels, side, side)
            : new FileCacheWriter(temporaryDirectory ?? Path.GetTempPath(), count, channels, side, side, memoryBudgetBytes);
        var content = new CropBox[count];
        int threads = Math.Max(1, workers ?? Environment.ProcessorCount);
        log?.Invoke($"Caching {count} images of column '{columnName}' at {channels}×{side}×{side} " +
            (whole is not null ? $"(whole pictures fitted into {side}×{side} and padded, for {imageSize} px crops; {count} × {side}² × {channels} bytes) " : "") +
            (writer is FileCacheWriter file ? $"in the memory-mapped file {file.Path} ({Megabytes(bytes)}; the memory budget is {Megabytes(memoryBudgetBytes)})" : $"in memory ({Megabytes(bytes)})") +
            (source is not null ? $", decoding LoadImages' files on {threads} thread{(threads == 1 ? "" : "s")}{(reducedDecoding ? " (JPEG and WebP at a reduced size: ReducedSizeDecoding)" : "")}." : "."));

        var progress = new CacheProgress(count, log);
        var (kept, grey) = source is not null
            ? new ParallelFileCacheFiller(columnName, source, decoding with { WholeImageSide = whole }, threads).Fill(data, writer, content, skipped, keptRows, progress, cancellationToken)
            : FillFromCursor(transforms, data, column, writer, whole, content, maxImagePixels, skipped, keptRows, progress, log, cancellationToken);

        if (skipped is { Count: > 0 })
        {
            if (kept == 0)
                throw skipped.NoneLeft(columnName, count);
            log?.Invoke(skipped.Summary(columnName, count));
        }
        grey = grey && channels == 3;
        var store = writer.Complete(kept, grey ? 1 : channels);
        var wholeSquare = CropBox.Whole(side, side);
        if (content.Take(kept).Any(c => c != wholeSquare))
            store.SetContentBoxes(content[..kept]);
        log?.Invoke($"Cached {kept} images as {store.Channels}×{side}×{side}" +
            (grey ? " (every image is grey: one channel kept)" : "") +
            $": {Megabytes((long)kept * store.ImageBytes)} {(store is MemoryMappedImageStore ? "in a memory-mapped file" : "in memory")}, " +
            $"at {progress.RowsPerSecond(count):F1} rows/s, in {progress.Elapsed.TotalSeconds:F1} s.");
        return store;
    }

    /// <summary>The one-cursor pass through ML.NET's transforms (or the vector column), in row order.</summary>
    private static (int Kept, bool Grey) FillFromCursor(TransformsCatalog transforms, IDataView data, InputColumn column, CacheWriter writer, int? wholeImageSide,
        CropBox[] content, long maxImagePixels, SkippedRows? skipped, List<int>? keptRows, CacheProgress progress, Action<string>? log, CancellationToken cancellationToken)
    {
        int count = writer.Count, imageSize = writer.Height;
        using PixelRowReader reader = column.IsImage
            ? new ImagePixelReader(transforms, data, column, imageSize, maxImagePixels, wholeImageSide)
            : new VectorPixelReader(data, column, imageSize);
        if (reader is ImagePixelReader { ChecksFiles: false })
            log?.Invoke($"Column '{column.Name}' is not the direct output of LoadImages: image sizes are checked against MaxImagePixels " +
                "only once ML.NET has decoded them, which cannot prevent the allocation of a huge image.");
        bool grey = true;
        int plane = imageSize * imageSize;
        int read = 0, kept = 0;
        while (reader.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (read == count)
                throw new InvalidOperationException($"The training data yielded more rows than the {count} it reported.");
            var image = writer.Image(kept);
            try
            {
                content[kept] = reader.Read(read, image);
            }
            catch (Exception e) when (skipped is not null && e is InvalidOperationException or InvalidDataException)
            {
                skipped.Add(e);
                read++;
                progress.Report(read);
                continue;
            }
            grey = grey && writer.Channels == 3 && ParallelFileCacheFiller.IsGrey(image, plane);
            keptRows?.Add(read);
            kept++;
            read++;
            progress.Report(read);
        }
        if (read != count)
            throw new InvalidOperationException($"The training data yielded {read} rows, not the {count} it reported.");
        return (kept, grey);
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

    private static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MB";
}
