using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Networks;

/// <summary>
/// The projector g and predictor q of BYOL: Linear(in → hidden) → BatchNorm1d → ReLU → Linear(hidden → out),
/// no BatchNorm on the output. The hidden BatchNorm is essential: without it BYOL collapses.
/// Registered as <c>net.0</c> .. <c>net.3</c>.
/// </summary>
internal sealed class Mlp : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Registered module name.
    private readonly Sequential net;
#pragma warning restore IDE1006

    public Mlp(long inputSize, long hiddenSize, long outputSize) : base(nameof(Mlp))
    {
        net = nn.Sequential(
            nn.Linear(inputSize, hiddenSize),
            nn.BatchNorm1d(hiddenSize),
            nn.ReLU(),
            nn.Linear(hiddenSize, outputSize));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => net.call(input);
}
