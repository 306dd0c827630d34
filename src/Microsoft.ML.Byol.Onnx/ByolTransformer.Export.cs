using Microsoft.ML.Byol.Graph;
using Microsoft.ML.Byol.Scoring;

namespace Microsoft.ML.Byol;

/// <summary>Export of the encoder in another number format (<see cref="ByolOnnxPrecision"/>).</summary>
public sealed partial class ByolTransformer
{
    /// <summary>Images per ONNX Runtime run while calibrating an Int8 export.</summary>
    private const int CalibrationBatchSize = 16;

    /// <summary>
    /// Writes the encoder to a file as <paramref name="precision"/>: <see cref="ByolOnnxPrecision.Float32"/> writes the
    /// encoder as given (the same bytes as <see cref="ExportOnnx(string)"/>); <see cref="ByolOnnxPrecision.Float16"/>
    /// converts it; <see cref="ByolOnnxPrecision.Int8"/> quantises it, calibrating the activation ranges on
    /// <paramref name="calibrationImages"/>. Every precision keeps the float32 input and output, so the file is used
    /// exactly as the float one (<c>ApplyByolEncoder</c>, <see cref="ByolEmbedder"/>, any ONNX engine), and
    /// <see cref="ByolEncoderInfo.Precision"/> reports the precision.
    /// </summary>
    /// <param name="path">The .onnx file to write.</param>
    /// <param name="precision">The number format of the network in the file.</param>
    /// <param name="calibrationImages">
    /// For Int8 (required; ignored otherwise): sample images in this transformer's input column
    /// (<see cref="InputColumnName"/>), in either form <see cref="Transform"/> accepts — an MLImage column (e.g. from
    /// <c>LoadImages</c>) or a float vector of C×S×S pixels in [0, 1] — and preprocessed exactly as
    /// <see cref="Transform"/> preprocesses them. Every row is read: a few hundred images like those to be embedded
    /// are enough (take them with <c>mlContext.Data.TakeRows</c>). Each activation's range is its minimum and maximum
    /// over these images.
    /// </param>
    /// <exception cref="ArgumentException">Int8 without calibration images, or with a view holding no row.</exception>
    /// <exception cref="InvalidOperationException">The encoder is not float32 (only a float32 encoder is converted).</exception>
    public void ExportOnnx(string path, ByolOnnxPrecision precision, IDataView? calibrationImages = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] model = ToPrecision(precision, calibrationImages);
        File.WriteAllBytes(path, model);
    }

    /// <summary>
    /// Writes the encoder to a stream as <paramref name="precision"/>; see
    /// <see cref="ExportOnnx(string, ByolOnnxPrecision, IDataView?)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Int8 without calibration images, or with a view holding no row.</exception>
    /// <exception cref="InvalidOperationException">The encoder is not float32 (only a float32 encoder is converted).</exception>
    public void ExportOnnx(Stream stream, ByolOnnxPrecision precision, IDataView? calibrationImages = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ToPrecision(precision, calibrationImages));
    }

    private byte[] ToPrecision(ByolOnnxPrecision precision, IDataView? calibrationImages)
    {
        ThrowIfDisposed();
        if (!Enum.IsDefined(precision))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown precision.");
        }

        if (precision == ByolOnnxPrecision.Int8 && calibrationImages is null)
        {
            throw new ArgumentException(
                "An Int8 export needs calibration images (an IDataView with the input column, as Transform takes) to set its activation scales.",
                nameof(calibrationImages));
        }

        if (precision == EncoderInfo.Precision && precision == ByolOnnxPrecision.Float32)
        {
            return (byte[])_onnxModel.Clone();
        }

        if (EncoderInfo.Precision != ByolOnnxPrecision.Float32)
        {
            throw new InvalidOperationException(
                $"This encoder is {EncoderInfo.Precision}; only a Float32 encoder can be exported as {precision}. Export from the float32 encoder.");
        }

        return precision switch
        {
            ByolOnnxPrecision.Float16 => Float16Converter.Convert(_onnxModel, EncoderInfo),
            _ => Quantise(calibrationImages!),
        };
    }

    private byte[] Quantise(IDataView calibrationImages)
    {
        var quantizer = QdqQuantizer.For(_onnxModel);
        var scoring = ChainFor(calibrationImages.Schema);
        using var reader = new PixelReader(calibrationImages, scoring, EncoderInfo.ImageSize, InputColumnName, MaxImagePixels);
        var ranges = ActivationCalibrator.Measure(_onnxModel, EncoderInfo, quantizer.CalibratedTensors.ToList(), Batches(reader));
        return quantizer.Quantize(ranges);
    }

    private IEnumerable<(float[] Pixels, int Count)> Batches(PixelReader reader)
    {
        int plane = 3 * EncoderInfo.ImageSize * EncoderInfo.ImageSize;
        var buffer = new float[CalibrationBatchSize * plane];
        while (true)
        {
            int count = 0;
            while (count < CalibrationBatchSize && reader.ReadNext(buffer.AsSpan(count * plane, plane)))
            {
                count++;
            }

            if (count > 0)
            {
                yield return (buffer, count);
            }

            if (count < CalibrationBatchSize)
            {
                yield break;
            }
        }
    }
}
