using Microsoft.ML.Byol.Networks;

namespace Microsoft.ML.Byol.Import;

/// <summary>Reads encoder weights from ONNX, PyTorch state_dict and safetensors files (placeholder until the importer lands).</summary>
internal static class EncoderImport
{
    public static ImportedEncoder Read(string path) => throw new NotSupportedException($"Importing '{path}' is not implemented yet.");

    public static void CopyInto(ImportedEncoder source, ResNet encoder) => throw new NotSupportedException("Importing is not implemented yet.");
}
