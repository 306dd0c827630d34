using System.Runtime.InteropServices;
using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Byol.Input;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Data;

/// <summary>
/// Reads a known-size float vector column of planar pixels in [0, 1], C×S×S with S the training size: exactly what the
/// scoring transformer feeds the encoder, so training and scoring see the same pixels. Other sizes and scales are
/// errors that say what to do (resize or scale the column first).
/// </summary>
internal sealed class VectorPixelReader : PixelRowReader
{
    private readonly DataViewRowCursor _cursor;
    private readonly ValueGetter<VBuffer<float>> _getter;
    private readonly InputColumn _column;
    private readonly float[] _values;
    private VBuffer<float> _buffer;

    public VectorPixelReader(IDataView data, InputColumn column, int imageSize)
        : base(column.Name)
    {
        if (column.Height != imageSize || column.Width != imageSize)
            throw new ArgumentException(
                $"Column '{column.Name}' holds {column.Channels}×{column.Height}×{column.Width} pixels, but ByolOptions.ImageSize is {imageSize}. " +
                $"Float-vector inputs are scored as they are, so they must be {column.Channels}×{imageSize}×{imageSize}: set ImageSize to {column.Height} " +
                "(if the images are square), or resize them first.", nameof(data));
        _column = column;
        _values = new float[column.Channels * column.Height * column.Width];
        var context = ContextColumns(data.Schema, column.Name).ToList();
        var input = data.Schema[column.Index];
        _cursor = data.GetRowCursor(context.Append(input));
        _getter = _cursor.GetGetter<VBuffer<float>>(input);
        BindContext(_cursor, context);
    }

    public override int Channels => _column.Channels;

    public override bool MoveNext() => _cursor.MoveNext();

    public override CropBox Read(int row, Span<byte> destination)
    {
        try
        {
            _getter(ref _buffer);
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            throw RowError(row, $"could not be read ({e.GetType().Name}: {e.Message}).", e);
        }
        if (_buffer.Length != _values.Length)
            throw RowError(row, $"holds {_buffer.Length} values, expected {_values.Length}.");
        _buffer.CopyTo(_values);
        for (int i = 0; i < _values.Length; i++)
        {
            float v = _values[i];
            if (!(v >= 0f && v <= 1f))
                throw RowError(row, $"holds the value {v} at index {i}; float-vector pixels must be in [0, 1] " +
                    "(the scoring transformer feeds them to the encoder as they are). Scale the column to [0, 1] first.");
            destination[i] = (byte)Math.Round(v * 255.0, MidpointRounding.AwayFromZero);
        }
        return CropBox.Whole(_column.Height, _column.Width);
    }

    public override void Dispose() => _cursor.Dispose();
}
