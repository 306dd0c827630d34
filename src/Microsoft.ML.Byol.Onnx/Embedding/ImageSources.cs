using Microsoft.ML.Data;
using System.Runtime.ExceptionServices;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// Fills one batch's pixel buffer from images or image files, in parallel: the batch is cut into one chunk per core,
/// and each chunk is decoded (files) and resized by ML.NET's transforms on its own thread.
/// </summary>
internal sealed class ImageSources(ImageBatchPreprocessor preprocessor)
{
    public void FromImages(IReadOnlyList<MLImage> images, int start, int count, float[] buffer) =>
        ForChunks(start, count, buffer, (from, n, destination) =>
        {
            var chunk = Slice(images, from, n);
            preprocessor.Write(chunk, destination, i => $"Image {from + i}");
        });

    public void FromFiles(IReadOnlyList<string> paths, int start, int count, float[] buffer) =>
        ForChunks(start, count, buffer, (from, n, destination) =>
        {
            var images = new List<MLImage>(n);
            try
            {
                for (int i = 0; i < n; i++)
                {
                    images.Add(Decode(paths[from + i]));
                }

                preprocessor.Write(images, destination, i => $"Image file '{paths[from + i]}'");
            }
            finally
            {
                images.ForEach(image => image.Dispose());
            }
        });

    private static MLImage Decode(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Image file '{path}' was not found.", path);
        }

        try
        {
            return MLImage.CreateFromFile(path);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            throw new InvalidDataException($"Image file '{path}' could not be decoded as an image ({e.GetType().Name}: {e.Message}).", e);
        }
    }

    private static MLImage[] Slice(IReadOnlyList<MLImage> images, int from, int count)
    {
        var chunk = new MLImage[count];
        for (int i = 0; i < count; i++)
        {
            chunk[i] = images[from + i];
        }

        return chunk;
    }

    private void ForChunks(int start, int count, float[] buffer, Action<int, int, Memory<float>> fill)
    {
        int plane = preprocessor.PixelsPerImage;
        int chunks = Math.Max(1, Math.Min(count, Environment.ProcessorCount));
        int perChunk = (count + chunks - 1) / chunks;
        try
        {
            Parallel.For(0, chunks, c =>
            {
                int first = c * perChunk, n = Math.Min(perChunk, count - first);
                if (n > 0)
                {
                    fill(start + first, n, buffer.AsMemory(first * plane, n * plane));
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // The first failing image's error, as a sequential loop would report it.
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }
}
