using Microsoft.ML.Data;
using System.Runtime.ExceptionServices;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// Fills one batch's pixel buffer from images or image files, on the threads it is given: the batch is cut into one
/// chunk per thread, and each chunk is prepared with a pooled <see cref="ImageWorkspace"/> (files, and images already
/// S×S) or, for in-memory images that need resizing, ML.NET's own transforms (<see cref="ImageBatchPreprocessor"/>).
/// In-memory images larger than <c>maxPixels</c> are refused (after the fact: they are decoded already).
/// </summary>
internal sealed class ImageSources(ImageBatchPreprocessor preprocessor, WorkspacePool workspaces, long maxPixels = ImageLimits.DefaultMaxPixels)
{
    private int Plane => preprocessor.PixelsPerImage;

    /// <summary>Writes images [start, start + count) into the buffer, disposing them (as ML.NET's transforms do).</summary>
    public void FromImages(IReadOnlyList<MLImage> images, int start, int count, float[] buffer, int threads) =>
        ForChunks(start, count, buffer, threads, (from, n, destination) =>
        {
            int size = preprocessor.ImageSize;
            var toResize = new List<MLImage>();
            var slots = new List<int>();
            var workspace = workspaces.Rent();
            try
            {
                for (int i = 0; i < n; i++)
                {
                    var image = images[from + i];
                    if (!IsSized(image, size, from + i, maxPixels))
                    {
                        toResize.Add(image);
                        slots.Add(i);
                        continue;
                    }

                    workspace.WriteSized(image, destination.Span.Slice(i * Plane, Plane));
                    image.Dispose();
                }
            }
            finally
            {
                workspaces.Return(workspace);
            }

            if (toResize.Count > 0)
            {
                preprocessor.Write(toResize, slots, destination, i => $"Image {from + slots[i]}");
            }
        });

    /// <summary>Decodes files [start, start + count) and writes their pixels into the buffer.</summary>
    public void FromFiles(IReadOnlyList<string> paths, int start, int count, float[] buffer, int threads) =>
        ForChunks(start, count, buffer, threads, (from, n, destination) =>
        {
            var workspace = workspaces.Rent();
            try
            {
                for (int i = 0; i < n; i++)
                {
                    workspace.WriteFile(paths[from + i], destination.Span.Slice(i * Plane, Plane));
                }
            }
            finally
            {
                workspaces.Return(workspace);
            }
        });

    /// <summary>
    /// Decodes each input (a file, or a stream that is then disposed) into its slot of the buffer, fail-soft: an input
    /// that cannot be read leaves its slot as it was and its error in <paramref name="errors"/>; nothing is thrown for it.
    /// </summary>
    public void FromInputsEach(IReadOnlyList<EmbedInput> inputs, float[] buffer, int threads, Exception?[] errors) =>
        ForChunks(0, inputs.Count, buffer, threads, (from, n, destination) =>
        {
            var workspace = workspaces.Rent();
            try
            {
                for (int i = 0; i < n; i++)
                {
                    errors[from + i] = inputs[from + i].TryWrite(workspace, destination.Span.Slice(i * Plane, Plane));
                }
            }
            finally
            {
                workspaces.Return(workspace);
            }
        });

    /// <summary>
    /// Whether ML.NET would hand the image on unresized (it is S×S); a disposed image is named, and so is one larger
    /// than the limit.
    /// </summary>
    private static bool IsSized(MLImage image, int size, int index, long maxPixels)
    {
        int width, height;
        try
        {
            (width, height) = (image.Width, image.Height);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"Image {index} could not be turned into pixels ({e.GetType().Name}: {e.Message}).", e);
        }

        ImageLimits.Check(width, height, maxPixels, $"Image {index}" + (image.Tag is { Length: > 0 } tag ? $" ('{tag}')" : ""), declared: false);
        return width == size && height == size;
    }

    private void ForChunks(int start, int count, float[] buffer, int threads, Action<int, int, Memory<float>> fill)
    {
        int plane = Plane;
        int chunks = Math.Max(1, Math.Min(count, threads));
        if (chunks == 1)
        {
            fill(start, count, buffer.AsMemory(0, count * plane));
            return;
        }

        int perChunk = (count + chunks - 1) / chunks;
        var failures = new Exception?[chunks];
        Parallel.For(0, chunks, c =>
        {
            int first = c * perChunk, n = Math.Min(perChunk, count - first);
            try
            {
                if (n > 0)
                {
                    fill(start + first, n, buffer.AsMemory(first * plane, n * plane));
                }
            }
            catch (Exception e)
            {
                failures[c] = e;
            }
        });

        // The error of the first failing image in input order, as a sequential loop would report it (not whichever
        // chunk happened to fail first in time).
        if (Array.Find(failures, f => f is not null) is { } firstFailure)
        {
            ExceptionDispatchInfo.Capture(firstFailure).Throw();
        }
    }
}
