using System.Collections.Concurrent;
using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Byol.Embedding;
using Microsoft.ML.Byol.Scoring;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Data;

/// <summary>
/// Fills the cache from the files behind a <c>LoadImages</c> column on every core, with the project's direct decoder
/// (<see cref="CacheFileDecoder"/>: SkiaSharp decode, ML.NET's iso-crop resize or, for whole images, its iso-pad
/// resize, planar bytes), which gives the same bytes as ML.NET's LoadImages → ResizeImages → ExtractPixels, except
/// that a truncated file (which ML.NET decodes as a partial picture) is a broken row here, reported or skipped like an
/// undecodable one. Paths are read through one cursor (the image column stays
/// inactive, so ML.NET decodes nothing) in windows of rows; each window is decoded in parallel straight into its slots of
/// the cache, then checked in row order: the first bad row of a window is the one reported (or skipped), and the kept
/// images are moved down over the skipped ones, so the cache keeps the data's order. Memory in flight is one decoded and
/// one resized bitmap per worker.
/// </summary>
internal sealed class ParallelFileCacheFiller(string columnName, LoadImagesSource source, CacheDecoding decoding, int workers)
{
    private const int RowsPerWorker = 32;

    /// <summary>Reads every row of <paramref name="data"/> into <paramref name="writer"/>, and each kept image's content box into <paramref name="content"/>.</summary>
    /// <returns>Rows kept and whether every kept image is grey.</returns>
    public (int Kept, bool Grey) Fill(IDataView data, CacheWriter writer, CropBox[] content, SkippedRows? skipped, List<int>? keptRows,
        CacheProgress progress, CancellationToken cancellationToken)
    {
        int count = writer.Count, plane = writer.Height * writer.Width, window = Math.Max(1, workers) * RowsPerWorker;
        var paths = new string[window];
        var errors = new Exception?[window];
        var grey = new bool[window];
        bool allGrey = true;
        int read = 0, kept = 0;
        using var pool = new DecoderPool();
        using var cursor = data.GetRowCursor(new[] { source.PathColumn });
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(source.PathColumn);
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = cancellationToken };
        ReadOnlyMemory<char> value = default;
        while (true)
        {
            int n = 0;
            while (n < window && cursor.MoveNext())
            {
                if (read + n == count)
                    throw new InvalidOperationException($"The training data yielded more rows than the {count} it reported.");
                getter(ref value);
                paths[n++] = value.ToString();
            }
            if (n == 0)
                break;
            int first = kept;
            Parallel.For(0, n, options, () => pool.Rent(decoding), (i, _, decoder) =>
            {
                errors[i] = null;
                try
                {
                    var image = writer.Image(first + i);
                    content[first + i] = Decode(decoder, paths[i], image);
                    grey[i] = IsGrey(image, plane);
                }
                catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
                {
                    errors[i] = e;
                }
                return decoder;
            }, pool.Add);
            for (int i = 0; i < n; i++)
            {
                int row = read + i;
                if (errors[i] is { } error)
                {
                    var described = RowError(row, paths[i], error);
                    if (skipped is null)
                        throw described;
                    skipped.Add(described);
                    continue;
                }
                if (first + i != kept)
                {
                    writer.Image(first + i).CopyTo(writer.Image(kept));
                    content[kept] = content[first + i];
                }
                allGrey &= grey[i];
                keptRows?.Add(row);
                kept++;
            }
            read += n;
            progress.Report(read);
        }
        if (read != count)
            throw new InvalidOperationException($"The training data yielded {read} rows, not the {count} it reported.");
        return (kept, allGrey);
    }

    private CropBox Decode(CacheFileDecoder decoder, string path, Span<byte> destination)
    {
        if (path.Length == 0)
            throw new EmptyPathException();
        return decoder.WriteFile(source.Resolve(path), destination);
    }

    /// <summary>The decoders (and their bitmaps) of the pass, reused from window to window and released at its end.</summary>
    private sealed class DecoderPool : IDisposable
    {
        private readonly ConcurrentBag<CacheFileDecoder> _free = new();

        public CacheFileDecoder Rent(CacheDecoding decoding)
            => _free.TryTake(out var decoder) ? decoder : new CacheFileDecoder(decoding);

        public void Add(CacheFileDecoder decoder) => _free.Add(decoder);

        public void Dispose()
        {
            while (_free.TryTake(out var decoder))
                decoder.Dispose();
        }
    }

    /// <summary>The chain's error for the row: the size limit as <see cref="InvalidDataException"/>, the rest as <see cref="InvalidOperationException"/>.</summary>
    private Exception RowError(int row, string path, Exception error)
    {
        string what = $"Row {row} of input column '{columnName}' ({source.PathColumn.Name} = '{path}')";
        if (ImageLimits.IsLimitError(error))
            return new InvalidDataException($"{what}: {error.Message}", error);
        return error switch
        {
            EmptyPathException => new InvalidOperationException($"{what} has no image (empty path or missing MLImage). Remove or fix the row.", error),
            _ => new InvalidOperationException($"{what} could not be read as an image ({error.GetType().Name}: {error.Message}). Remove or fix the row.", error),
        };
    }

    internal static bool IsGrey(ReadOnlySpan<byte> image, int plane)
    {
        var red = image[..plane];
        return red.SequenceEqual(image.Slice(plane, plane)) && red.SequenceEqual(image.Slice(2 * plane, plane));
    }

    private sealed class EmptyPathException() : Exception("The path is empty.");
}
