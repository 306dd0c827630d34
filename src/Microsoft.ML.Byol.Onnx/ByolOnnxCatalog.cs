using Microsoft.ML.Byol;

namespace Microsoft.ML;

/// <summary>Catalog extension that scores a BYOL image encoder exported to ONNX.</summary>
public static class ByolOnnxCatalog
{
    /// <summary>
    /// Creates a <see cref="ByolTransformer"/> that adds the embedding of each row's image, computed by the BYOL
    /// encoder in <paramref name="onnxModelPath"/> (a file written by Microsoft.ML.Byol) through ONNX Runtime.
    /// </summary>
    /// <param name="catalog">The transforms catalog of an <see cref="MLContext"/>.</param>
    /// <param name="onnxModelPath">The encoder's ONNX file.</param>
    /// <param name="outputColumnName">The column to add: a vector of EmbeddingSize floats.</param>
    /// <param name="inputColumnName">The column to read: MLImage, or a known-size float vector of C×S×S pixels in [0, 1]
    /// (C = 1 or 3, S = the encoder's image size; scale [0, 255] values yourself).</param>
    /// <param name="gpuDeviceId">CUDA device to run on (needs an ONNX Runtime GPU package); null for CPU.</param>
    /// <param name="fallbackToCpu">When the GPU cannot be used, run on the CPU instead of failing.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a BYOL encoder; the message names the path.</exception>
    public static ByolTransformer ApplyByolEncoder(this TransformsCatalog catalog, string onnxModelPath,
        string outputColumnName = "Embedding", string inputColumnName = "Image",
        int? gpuDeviceId = null, bool fallbackToCpu = true)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(onnxModelPath);
        if (!File.Exists(onnxModelPath))
        {
            throw new FileNotFoundException($"The BYOL encoder file '{onnxModelPath}' does not exist.", onnxModelPath);
        }

        byte[] bytes = File.ReadAllBytes(onnxModelPath);
        ByolEncoderInfo info;
        try
        {
            info = ByolEncoderInfo.FromOnnxBytes(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{onnxModelPath}' is not a BYOL encoder: {e.Message}", e);
        }

        return ByolTransformer.Create(catalog, bytes, info, outputColumnName, inputColumnName, gpuDeviceId, fallbackToCpu);
    }
}
