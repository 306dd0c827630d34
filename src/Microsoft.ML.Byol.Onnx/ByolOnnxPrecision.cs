namespace Microsoft.ML.Byol;

/// <summary>Number format of an encoder's ONNX file (<see cref="ByolTransformer.ExportOnnx(string, ByolOnnxPrecision, IDataView?)"/>).</summary>
/// <remarks>
/// Every precision keeps the same contract at the graph's edges: a float32 input [N, 3, S, S] of RGB pixels in [0, 1]
/// and a float32 output [N, D], so <see cref="ByolEmbedder"/>, <c>ApplyByolEncoder</c> and any ONNX engine feed and read
/// it the same way. <see cref="ByolEncoderInfo.Precision"/> says which one a file holds.
/// </remarks>
public enum ByolOnnxPrecision
{
    /// <summary>32-bit floats throughout: the encoder as trained (the default, and what files without the entry hold).</summary>
    Float32,

    /// <summary>
    /// Weights and activations in 16-bit floats, with a Cast at the float32 input and output: half the file size, for
    /// GPU execution providers (CUDA, TensorRT, DirectML). ONNX Runtime's CPU provider runs it too, mostly through
    /// float32 kernels it wraps in Casts, so it is not faster there.
    /// </summary>
    Float16,

    /// <summary>
    /// A QDQ graph (QuantizeLinear/DequantizeLinear around each convolution and residual addition): weights as int8 (7-bit range, so CPUs without VNNI do not saturate),
    /// symmetric per output channel; activations as uint8 per tensor, with ranges calibrated on sample images.
    /// ONNX Runtime fuses it into integer kernels (QLinearConv, QLinearAdd) on the CPU.
    /// </summary>
    Int8,
}
