using Microsoft.ML.Data;

namespace ByolFashionMnist;

/// <summary>A grey 28×28 image as a known-size float vector [1, 28, 28] in [0, 1], with its class.</summary>
internal sealed class PixelRow
{
    [VectorType(1, 28, 28)]
    public float[] Image { get; set; } = Array.Empty<float>();

    public string Label { get; set; } = "";
}

/// <summary>An image file and its class (the name of its folder).</summary>
internal sealed class FileRow
{
    public string Path { get; set; } = "";

    public string Label { get; set; } = "";
}
