using System.Security.Cryptography;

namespace FashionMnistQuality;

/// <summary>
/// ML.NET's ImageNet ResNet-18 as the NuGet package <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> copies it beside the
/// app: <c>DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx</c> (RGB → BGR, minus the ImageNet mean image) and
/// <c>DnnImageModels/ResNet18Onnx/ResNet18.onnx</c> (CNTK export, 512-d pooled features).
/// </summary>
internal static class DnnImageModels
{
    public const int ImageSize = 224;
    public const int FeatureSize = 512;

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "DnnImageModels");

    public static string Preprocess => Path.Combine(Folder, "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    public static string ResNet18 => Path.Combine(Folder, "ResNet18Onnx", "ResNet18.onnx");

    public static void EnsurePresent()
    {
        foreach (var file in new[] { Preprocess, ResNet18 })
        {
            if (!File.Exists(file))
                throw new FileNotFoundException($"{file} is missing: the project must reference the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18.", file);
        }
    }

    /// <summary>SHA-256 (hex) of both model files, in the order preprocess, network.</summary>
    public static string Sha256()
    {
        EnsurePresent();
        using var sha = SHA256.Create();
        foreach (var file in new[] { Preprocess, ResNet18 })
        {
            var bytes = File.ReadAllBytes(file);
            sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
        }
        sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
        return Convert.ToHexStringLower(sha.Hash!);
    }
}
