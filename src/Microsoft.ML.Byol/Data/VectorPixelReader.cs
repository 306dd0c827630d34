using System.Runtime.InteropServices;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Data;

/// <summary>
/// Reads a known-size float vector column of planar pixels. Vectors of another size than the cache's are centre-cropped
/// to a square and resized bilinearly (anti-aliased when shrinking), as ResizeImages does for images. The scale is
/// decided once for the whole column: [0, 1] until a value above 1 is seen, from then on [0, 255]; bytes already
/// written are then rewritten (see <see cref="PixelRowReader.ZeroOneToByteScale"/>), so one pass is enough.
/// </summary>
internal sealed class VectorPixelReader : PixelRowReader
{
    private readonly DataViewRowCursor _cursor;
    private readonly ValueGetter<VBuffer<float>> _getter;
    private readonly ImageColumn _column;
    private readonly int _size;
    private readonly float[] _values;
    private VBuffer<float> _buffer;
    private bool _byteScale;

    public VectorPixelReader(IDataView data, ImageColumn column, int imageSize)
        : base(column.Name)
    {
        _column = column;
        _size = imageSize;
        _values = new float[column.Channels * column.Height * column.Width];
        var context = ContextColumns(data.Schema, column.Name).ToList();
        var input = data.Schema[column.Index];
        _cursor = data.GetRowCursor(context.Append(input));
        _getter = _cursor.GetGetter<VBuffer<float>>(input);
        BindContext(_cursor, context);
    }

    public override int Channels => _column.Channels;

    public override bool MoveNext() => _cursor.MoveNext();

    public override bool Read(int row, Span<byte> destination)
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

        if (Array.Exists(_values, float.IsNaN))
            throw RowError(row, "holds NaN values.");
        bool rescaled = false;
        if (!_byteScale && _values.AsSpan().ContainsAnyExceptInRange(float.NegativeInfinity, 1f))
        {
            _byteScale = true;
            rescaled = row > 0;
        }
        Quantize(Resized(), destination, _byteScale ? 1.0 : 255.0);
        return rescaled;
    }

    private ReadOnlySpan<float> Resized()
    {
        int c = _column.Channels, h = _column.Height, w = _column.Width;
        if (h == _size && w == _size)
            return _values;
        using var scope = torch.NewDisposeScope();
        int side = Math.Min(h, w);
        var square = torch.tensor(_values, new long[] { 1, c, h, w })
            .narrow(2, (h - side) / 2, side)
            .narrow(3, (w - side) / 2, side);
        var resized = nn.functional.interpolate(square, new long[] { _size, _size }, mode: InterpolationMode.Bilinear,
            align_corners: false, antialias: side > _size).contiguous();
        return MemoryMarshal.Cast<byte, float>(resized.bytes).ToArray();
    }

    private static void Quantize(ReadOnlySpan<float> values, Span<byte> destination, double factor)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double v = Math.Round(values[i] * factor, MidpointRounding.AwayFromZero);
            destination[i] = v >= 255 ? (byte)255 : v > 0 ? (byte)v : (byte)0;
        }
    }

    public override void Dispose() => _cursor.Dispose();
}
