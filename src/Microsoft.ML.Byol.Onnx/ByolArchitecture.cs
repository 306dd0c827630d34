namespace Microsoft.ML.Byol;

/// <summary>
/// The ResNet v1 encoder families that BYOL pretrains (He et al., 2016): basic blocks for 18 and 34 layers,
/// bottleneck blocks (stride on the 3×3 convolution) for 50, 101 and 152 layers.
/// </summary>
public enum ByolArchitecture
{
    /// <summary>ResNet-18: basic blocks [2, 2, 2, 2]; representation 512 × width.</summary>
    ResNet18,
    /// <summary>ResNet-34: basic blocks [3, 4, 6, 3]; representation 512 × width.</summary>
    ResNet34,
    /// <summary>ResNet-50: bottleneck blocks [3, 4, 6, 3]; representation 2048 × width.</summary>
    ResNet50,
    /// <summary>ResNet-101: bottleneck blocks [3, 4, 23, 3]; representation 2048 × width.</summary>
    ResNet101,
    /// <summary>ResNet-152: bottleneck blocks [3, 8, 36, 3]; representation 2048 × width.</summary>
    ResNet152,
}
