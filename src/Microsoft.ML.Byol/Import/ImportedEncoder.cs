namespace Microsoft.ML.Byol.Import;

/// <summary>
/// An encoder read from a weights file: its layout and its tensors by this library's ResNet state_dict names
/// (torchvision's: <c>conv1.weight</c>, <c>bn1.running_mean</c>, <c>layer1.0.conv1.weight</c>,
/// <c>layer2.0.downsample.0.weight</c>, ...), already expressed for this library's input contract (RGB in [0, 1]
/// normalised with the ImageNet mean and std, BatchNorm ε = 1e-5). <see cref="Format"/> is "onnx", "pytorch" or
/// "safetensors"; <see cref="Description"/> says in a sentence what was found and how it was converted.
/// </summary>
internal sealed record ImportedEncoder(
    ResNetLayout Layout,
    IReadOnlyDictionary<string, (float[] Data, long[] Shape)> Weights,
    string Format,
    string Description);
