using Microsoft.ML.Byol.Optim;
using Microsoft.ML.Byol.Torch;
using TorchSharp;
using static Microsoft.ML.Byol.Tests.Optim.OptimTestModels;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Tests.Optim;

public sealed class LarsTests
{
    private const double Tolerance = 1e-6;

    public LarsTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void TwoStepsMatchHandComputedValues()
    {
        using var model = LinearThenBatchNorm();
        var w = Get(model, "fc.weight");
        var b = Get(model, "fc.bias");
        var gamma = Get(model, "bn.weight");
        var beta = Get(model, "bn.bias");
        Set(w, 0.6f, 0f, 0.8f, 0f, 0f, 0f);  // ‖W‖ = 1
        Set(b, 1f, -1f);
        Set(gamma, 1f, 1f);
        Set(beta, 0f, 0f);
        using var lars = new Lars(LarsParameters.From(model), momentum: 0.9, weightDecay: 0.1, trustCoefficient: 0.5);

        // Step 1, lr = 0.1. Weight: u = g + 0.1·W = [1.06, 0, 0.08; 0, 0, 1], ‖u‖² = 2.13, trust = 0.5·1/√2.13.
        SetGrad(w, 1f, 0f, 0f, 0f, 0f, 1f);
        SetGrad(b, 0.5f, 2f);
        SetGrad(gamma, 0.3f, -0.4f);
        SetGrad(beta, 0.1f, -0.2f);
        lars.Step(0.1);

        double t1 = 0.5 / Math.Sqrt(2.13);
        double[] m1 = { t1 * 1.06, 0, t1 * 0.08, 0, 0, t1 * 1 };
        double[] w1 = { 0.6 - 0.1 * m1[0], 0, 0.8 - 0.1 * m1[2], 0, 0, -0.1 * m1[5] };
        ShouldBe(w, w1);
        ShouldBe(b, 0.95, -1.2);            // excluded: b − lr·g, no decay, no trust ratio
        ShouldBe(gamma, 0.97, 1.04);
        ShouldBe(beta, -0.01, 0.02);
        ShouldBe(lars.MomentumState["fc.weight"], m1);
        ShouldBe(lars.MomentumState["fc.bias"], 0.5, 2.0);

        // Step 2, lr = 0.2: momentum accumulates, m2 = 0.9·m1 + u2.
        double[] g2 = { 0, 1, 0, 0, 0, 0 };
        SetGrad(w, 0f, 1f, 0f, 0f, 0f, 0f);
        SetGrad(b, 1f, 0f);
        SetGrad(gamma, 0f, 0f);
        SetGrad(beta, 0f, 0f);
        lars.Step(0.2);

        double[] u2 = new double[6];
        double normW1 = 0, normU2 = 0;
        for (int i = 0; i < 6; i++)
        {
            u2[i] = g2[i] + 0.1 * w1[i];
            normW1 += w1[i] * w1[i];
            normU2 += u2[i] * u2[i];
        }

        double t2 = 0.5 * Math.Sqrt(normW1) / Math.Sqrt(normU2);
        double[] w2 = new double[6];
        for (int i = 0; i < 6; i++)
        {
            w2[i] = w1[i] - 0.2 * (0.9 * m1[i] + t2 * u2[i]);
        }

        ShouldBe(w, w2);
        ShouldBe(b, 0.95 - 0.2 * 1.45, -1.2 - 0.2 * 1.8);     // m2 = [0.45 + 1, 1.8 + 0]
        ShouldBe(gamma, 0.97 - 0.2 * 0.27, 1.04 + 0.2 * 0.36); // m2 = 0.9·[0.3, −0.4]
        ShouldBe(beta, -0.01 - 0.2 * 0.09, 0.02 + 0.2 * 0.18);
    }

    [Fact]
    public void DefaultsAreMomentumPoint9DecayOnePoint5EMinus6AndEta1EMinus3()
    {
        using var linear = nn.Linear(2, 1, hasBias: false);
        var w = Get(linear, "weight");
        Set(w, 3f, 4f);
        SetGrad(w, 1f, 0f);
        using var lars = new Lars(LarsParameters.From(linear));
        lars.Step(1.0);
        lars.Step(1.0); // same gradient twice

        double u0 = 1 + 1.5e-6 * 3, u1 = 1.5e-6 * 4;
        double t = 1e-3 * 5 / Math.Sqrt(u0 * u0 + u1 * u1);
        double[] p1 = { 3 - t * u0, 4 - t * u1 };
        double v0 = 1 + 1.5e-6 * p1[0], v1 = 1.5e-6 * p1[1];
        double t2 = 1e-3 * Math.Sqrt(p1[0] * p1[0] + p1[1] * p1[1]) / Math.Sqrt(v0 * v0 + v1 * v1);
        ShouldBe(w, p1[0] - (0.9 * t * u0 + t2 * v0), p1[1] - (0.9 * t * u1 + t2 * v1));
    }

    [Fact]
    public void ZeroParameterNormGivesTrustOne()
    {
        var p = new TorchSharp.Modules.Parameter(torch.zeros(2, 2));
        using var lars = new Lars(new[] { new LarsParameter("p", p, Excluded: false) }, weightDecay: 0.1, trustCoefficient: 0.5);
        SetGrad(p, 1f, 2f, 3f, 4f);
        lars.Step(0.1);
        ShouldBe(p, -0.1, -0.2, -0.3, -0.4); // u = g (0 decay of a zero tensor), trust 1
        p.Dispose();
    }

    [Fact]
    public void ZeroUpdateNormGivesTrustOneAndNoNaN()
    {
        var p = new TorchSharp.Modules.Parameter(torch.tensor(new float[] { 1f, 2f, 4f, 8f }));
        using var lars = new Lars(new[] { new LarsParameter("p", p, Excluded: false) }, weightDecay: 0.1, trustCoefficient: 0.5);
        SetGrad(p, -0.1f * 1f, -0.1f * 2f, -0.1f * 4f, -0.1f * 8f); // g = −wd·p, so u = 0
        lars.Step(0.1);
        ShouldBe(p, 1, 2, 4, 8);
        Values(lars.MomentumState["p"]).Should().OnlyContain(v => v == 0f);
        p.Dispose();
    }

    [Fact]
    public void ParametersWithoutGradientAreSkippedAndZeroGradClears()
    {
        using var model = LinearThenBatchNorm();
        var w = Get(model, "fc.weight");
        var b = Get(model, "fc.bias");
        Set(b, 1f, 2f);
        var before = Values(w);
        using var lars = new Lars(LarsParameters.From(model), weightDecay: 0.1, trustCoefficient: 0.5);
        SetGrad(b, 1f, 1f);
        lars.Step(0.5);

        Values(w).Should().Equal(before);
        lars.MomentumState.Keys.Should().Equal("fc.bias");
        ShouldBe(b, 0.5, 1.5);

        lars.ZeroGrad();
        using var grad = b.grad!;
        Values(grad).Should().OnlyContain(v => v == 0f);
    }

    [Fact]
    public void MomentumStateRoundTripsIntoAFreshOptimizer()
    {
        using var a = LinearThenBatchNorm();
        using var c = LinearThenBatchNorm();
        using var larsA = new Lars(LarsParameters.From(a), weightDecay: 0.1, trustCoefficient: 0.5);
        using var larsC = new Lars(LarsParameters.From(c), weightDecay: 0.1, trustCoefficient: 0.5);
        SetAllGrads(a, 0.25f);
        larsA.Step(0.1);

        // Checkpoint: copy the weights and the momentum of A into C.
        foreach (var (name, parameter) in a.named_parameters())
        {
            Set(Get(c, name), Values(parameter));
        }

        var saved = larsA.MomentumState.ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        larsC.LoadMomentumState(saved);
        foreach (var tensor in saved.Values)
        {
            tensor.Dispose(); // the optimizer keeps its own copies
        }

        larsC.MomentumState.Keys.Should().BeEquivalentTo(larsA.MomentumState.Keys);
        foreach (var (name, m) in larsA.MomentumState)
        {
            Values(larsC.MomentumState[name]).Should().Equal(Values(m));
        }

        SetAllGrads(a, -0.5f);
        SetAllGrads(c, -0.5f);
        larsA.Step(0.1);
        larsC.Step(0.1);
        foreach (var (name, parameter) in a.named_parameters())
        {
            Values(Get(c, name)).Should().Equal(Values(parameter), $"{name} must continue identically after resume");
        }
    }

    [Fact]
    public void LoadingAMismatchedStateIsAnErrorAndChangesNothing()
    {
        using var model = LinearThenBatchNorm();
        using var lars = new Lars(LarsParameters.From(model));
        SetAllGrads(model, 1f);
        lars.Step(0.1);
        var before = Values(lars.MomentumState["fc.weight"]);

        using var wrongShape = torch.zeros(3, 2);
        using var right = torch.zeros(2);
        FluentActions.Invoking(() => lars.LoadMomentumState(new Dictionary<string, Tensor> { ["fc.bias"] = right, ["fc.weight"] = wrongShape }))
            .Should().Throw<ArgumentException>().WithMessage("*fc.weight*shape*");
        FluentActions.Invoking(() => lars.LoadMomentumState(new Dictionary<string, Tensor> { ["fc.nope"] = right }))
            .Should().Throw<ArgumentException>().WithMessage("*fc.nope*");

        Values(lars.MomentumState["fc.weight"]).Should().Equal(before);
        lars.MomentumState.Should().HaveCount(4);
    }

    [Fact]
    public void DuplicateNamesAreRejected()
    {
        using var linear = nn.Linear(2, 2);
        var w = Get(linear, "weight");
        FluentActions.Invoking(() => new Lars(new[] { new LarsParameter("x", w, false), new LarsParameter("x", w, false) }))
            .Should().Throw<ArgumentException>().WithMessage("*x*");
    }

    private static void SetAllGrads(nn.Module model, float value)
    {
        foreach (var (_, parameter) in model.named_parameters())
        {
            using var grad = torch.full(parameter.shape, value);
            parameter.grad = grad;
        }
    }

    private static void ShouldBe(Tensor actual, params double[] expected)
    {
        var values = Values(actual);
        values.Should().HaveCount(expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            ((double)values[i]).Should().BeApproximately(expected[i], Tolerance, $"element {i}");
        }
    }
}
