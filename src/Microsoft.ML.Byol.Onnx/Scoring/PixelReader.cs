using Microsoft.ML.Byol.Input;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Scoring;

/// <summary>
/// The leading cursor of the batched path: walks the input (through ResizeImages → ExtractPixels for images) reading
/// only the pixel column, and writes each row's planar R, G, B floats into a batch buffer. A single grey plane is
/// repeated into three (<see cref="ImageInputContract.RepeatGreyPlane"/>), as the per-row chain's ONNX head does with Concat. Images are read through
/// <see cref="LimitedImageView"/> (the size limit; files checked before decoding when they are known); float vectors
/// holding NaN or an infinity are refused, as training refuses them.
/// </summary>
internal sealed class PixelReader : IDisposable
{
    private readonly DataViewRowCursor _cursor;
    private readonly ValueGetter<VBuffer<float>> _getter;
    private readonly int _plane, _channels;
    private readonly string _columnName;
    private readonly bool _isImage;
    private VBuffer<float> _value;

    public PixelReader(IDataView input, ScoringChain scoring, int imageSize, string inputColumnName, long maxImagePixels)
    {
        var source = scoring.Preprocess is null ? input : scoring.Preprocess.Transform(new LimitedImageView(input, inputColumnName, maxImagePixels));
        var column = source.Schema[scoring.PixelColumn];
        _columnName = inputColumnName;
        _isImage = scoring.Format.IsImage;
        _cursor = source.GetRowCursor(new[] { column });
        _getter = _cursor.GetGetter<VBuffer<float>>(column);
        _plane = imageSize * imageSize;
        _channels = scoring.Format.Channels;
    }

    /// <summary>Moves to the next row and writes its 3×S×S pixels at <paramref name="destination"/>; false at the end.</summary>
    public bool ReadNext(Span<float> destination)
    {
        bool moved;
        try
        {
            moved = _cursor.MoveNext();
        }
        catch (Exception e) when (DataError(e) is { } data)
        {
            // ML.NET may decode on several threads: a worker's error comes out of MoveNext, wrapped.
            // Those threads read ahead, so the row is not known here; the message names the file when there is one.
            throw new InvalidDataException($"Column '{_columnName}' (an image read ahead on ML.NET's threads): {data.Message}", data);
        }

        if (!moved)
        {
            return false;
        }

        try
        {
            _getter(ref _value);
        }
        catch (Exception e) when (DataError(e) is { } data)
        {
            // Read on this thread: the row is known.
            throw new InvalidDataException($"Row {_cursor.Position} of column '{_columnName}': {data.Message}", data);
        }

        if (_value.Length != _channels * _plane)
        {
            throw new InvalidDataException(
                $"Row {_cursor.Position} has {_value.Length} pixel values, expected {_channels}×{_plane}.");
        }

        _value.CopyTo(destination[.._value.Length]);
        if (!_isImage && FiniteValues.FirstNonFinite(destination[.._value.Length]) is int bad)
        {
            throw new InvalidDataException(
                $"Row {_cursor.Position} of column '{_columnName}' holds {destination[bad]} at index {bad}; pixel values must be " +
                "finite (in [0, 1]). The encoder would return a NaN embedding; training refuses such rows too.");
        }

        ImageInputContract.RepeatGreyPlane(destination, _channels, _plane);

        return true;
    }

    public void Dispose() => _cursor.Dispose();

    /// <summary>The <see cref="InvalidDataException"/> (the size limit, an unallocatable image) in an error's inner chain.</summary>
    private static InvalidDataException? DataError(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is InvalidDataException data)
            {
                return data;
            }
        }

        return null;
    }
}
