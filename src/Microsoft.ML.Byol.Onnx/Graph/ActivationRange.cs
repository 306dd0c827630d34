namespace Microsoft.ML.Byol.Graph;

/// <summary>
/// The range of values one tensor took over the calibration images, and the uint8 quantisation it gives: the range
/// is widened to hold 0 (so zero, the padding and ReLU's floor, is exact), scale = (max − min) / 255 and the zero point
/// puts min at 0. A tensor that was 0 everywhere gets scale 1.
/// </summary>
internal readonly record struct ActivationRange(float Min, float Max)
{
    public static ActivationRange Empty => new(float.PositiveInfinity, float.NegativeInfinity);

    public bool IsEmpty => Min > Max;

    /// <summary>This range widened by <paramref name="values"/> (NaN values are refused: they would make every scale NaN).</summary>
    public ActivationRange Include(ReadOnlySpan<float> values)
    {
        float min = Min, max = Max;
        foreach (float v in values)
        {
            if (float.IsNaN(v))
            {
                throw new InvalidDataException("The float encoder produced NaN on a calibration image; its activations cannot be calibrated.");
            }

            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return new(min, max);
    }

    /// <summary>The uint8 scale and zero point of this range.</summary>
    public (float Scale, byte ZeroPoint) ToUInt8()
    {
        if (IsEmpty)
        {
            throw new InvalidOperationException("No value was seen for this tensor.");
        }

        double min = Math.Min(Min, 0.0), max = Math.Max(Max, 0.0);
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new InvalidDataException($"An activation reached [{Min}, {Max}] on the calibration images; it cannot be quantised.");
        }

        double scale = (max - min) / 255.0;
        if (scale == 0 || (float)scale == 0)
        {
            return (1f, 0);
        }

        double zeroPoint = Math.Round(-min / scale, MidpointRounding.ToEven);
        return ((float)scale, (byte)Math.Clamp(zeroPoint, 0, 255));
    }
}
