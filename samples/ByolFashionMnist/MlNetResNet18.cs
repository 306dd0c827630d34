namespace ByolFashionMnist;

/// <summary>
/// ML.NET's ImageNet ResNet-18, which the NuGet package <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> (referenced by
/// this project) copies beside the app; <c>ByolOptions.InitialEncoderPath</c> reads it.
/// </summary>
internal static class MlNetResNet18
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
}
