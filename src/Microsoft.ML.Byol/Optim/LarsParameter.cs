using TorchSharp.Modules;

namespace Microsoft.ML.Byol.Optim;

/// <summary>One parameter tensor handed to <see cref="Lars"/>.</summary>
/// <param name="Name">Full dotted name (e.g. <c>layer1.0.downsample.1.weight</c>); the key of the momentum state.</param>
/// <param name="Parameter">The parameter updated in place.</param>
/// <param name="Excluded">
/// True for biases and norm-layer parameters: no weight decay and no trust-ratio adaptation (u = g).
/// </param>
/// <param name="LearningRateScale">Multiplies the learning rate of this parameter (a parameter group's rate; 1 by default).</param>
internal sealed record LarsParameter(string Name, Parameter Parameter, bool Excluded, double LearningRateScale = 1.0);
