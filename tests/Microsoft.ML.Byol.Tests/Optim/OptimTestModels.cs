using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Tests.Optim;

/// <summary>Small modules and tensor helpers shared by the optimiser tests.</summary>
internal static class OptimTestModels
{
    /// <summary>Linear(3→2) named <c>fc</c> followed by BatchNorm1d(2) named <c>bn</c>.</summary>
    public static Sequential LinearThenBatchNorm()
        => nn.Sequential(("fc", nn.Linear(3, 2)), ("bn", nn.BatchNorm1d(2)));

    public static void Set(Tensor parameter, params float[] values)
    {
        using var noGrad = torch.no_grad();
        using var source = torch.tensor(values).reshape(parameter.shape);
        parameter.copy_(source);
    }

    public static void SetGrad(Parameter parameter, params float[] values)
    {
        using var grad = torch.tensor(values).reshape(parameter.shape);
        parameter.grad = grad;
    }

    public static float[] Values(Tensor tensor) => tensor.data<float>().ToArray();

    public static Parameter Get(nn.Module module, string name)
        => module.named_parameters().Single(p => p.name == name).parameter;
}

/// <summary>A basic residual block whose shortcut is <c>downsample = Sequential(Conv2d, BatchNorm2d)</c>.</summary>
internal sealed class TestBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential downsample;

    public TestBlock(long input, long output) : base(nameof(TestBlock))
    {
        conv1 = nn.Conv2d(input, output, 3, stride: 2, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(output);
        downsample = nn.Sequential(nn.Conv2d(input, output, 1, stride: 2, bias: false), nn.BatchNorm2d(output));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var y = nn.functional.relu(bn1.call(conv1.call(x))).add(downsample.call(x));
        return y.MoveToOuterDisposeScope();
    }
}
