using Microsoft.ML.Byol.Optim;
using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;
using TorchSharp;

namespace Microsoft.ML.Byol.Tests.Training;

/// <summary>
/// The step's kernel switches (<see cref="StepKernels"/>) change speed, not results: two full BYOL steps (augment, both
/// networks, backward, LARS, EMA) from the same seed, with and without each switch, on a ResNet-18 of width 1/8 at 16 px.
/// </summary>
public sealed class StepKernelsTests
{
    /// <summary>Relative tolerance on the losses and on every weight and running statistic after two steps.</summary>
    private const double Tolerance = 1e-5;

    /// <summary>Relative tolerance on the gradients, the most rounding-sensitive values (a BatchNorm bias's gradient
    /// differed by 1.2e-5 on 2026-12-07).</summary>
    private const double GradientTolerance = 5e-5;

    public StepKernelsTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void ChannelsLastLayoutKeepsShapeAndValuesAndPutsChannelsInnermost()
    {
        using var scope = torch.NewDisposeScope();
        var images = torch.rand(2, 3, 5, 4);

        var laidOut = new StepKernels(ChannelsLast: true, InPlaceActivations: false).Layout(images);

        laidOut.shape.Should().Equal(2, 3, 5, 4);
        laidOut.stride().Should().Equal(60, 1, 12, 3);
        StepKernels.IsChannelsLast(laidOut).Should().BeTrue();
        StepKernels.IsChannelsLast(images).Should().BeFalse();
        laidOut.allclose(images, 0, 0).Should().BeTrue();
        StepKernels.Default.Layout(images).Should().BeSameAs(images);
    }

    [Fact]
    public void ChannelsLastStepMatchesTheDefaultWithinRoundingAndKeepsParametersContiguous()
    {
        var reference = TwoSteps(StepKernels.Default);
        var channelsLast = TwoSteps(new StepKernels(ChannelsLast: true, InPlaceActivations: false));

        channelsLast.StemOutputChannelsLast.Should().BeTrue("the views reach the first convolution channels-last, and its output stays so");
        reference.StemOutputChannelsLast.Should().BeFalse();
        channelsLast.NonContiguous.Should().BeEmpty("parameters and gradients keep the standard format (checkpoints, LARS, EMA, ONNX export)");
        AssertClose(channelsLast, reference, Tolerance, GradientTolerance);
    }

    [Fact]
    public void InPlaceReluStepIsBitIdenticalToTheDefault()
    {
        var reference = TwoSteps(StepKernels.Default);
        var inPlace = TwoSteps(new StepKernels(ChannelsLast: false, InPlaceActivations: true));

        inPlace.NonContiguous.Should().BeEmpty();
        AssertClose(inPlace, reference, tolerance: 0, gradientTolerance: 0);
    }

    [Fact]
    public void ChannelsLastIsTheDefaultOnTheCpuFromWidthQuarterUnderJemallocOnly()
    {
        var none = (string _) => (string?)null;
        var channelsLast = new StepKernels(ChannelsLast: true, InPlaceActivations: false);

        StepKernels.For(0.25f, DeviceType.CPU, "jemalloc", none).Should().Be(channelsLast);
        StepKernels.For(1f, DeviceType.CPU, "jemalloc", none).Should().Be(channelsLast);
        StepKernels.For(0.125f, DeviceType.CPU, "jemalloc", none).Should().Be(StepKernels.Default, "at ×0.125 channels-last was as often slower (0.78×) as faster");
        StepKernels.For(1f, DeviceType.CPU, "glibc", none).Should().Be(StepKernels.Default, "under glibc channels-last grew the native heap in the no-GC memory test");
        StepKernels.For(1f, DeviceType.CPU, "tcmalloc", none).Should().Be(StepKernels.Default, "only jemalloc was measured");
        StepKernels.For(1f, DeviceType.CUDA, "jemalloc", none).Should().Be(StepKernels.Default, "CUDA keeps contiguous activations (not measured)");
        channelsLast.Describe().Should().Contain("channels-last activations");
        StepKernels.Default.Describe().Should().BeNull();
    }

    [Fact]
    public void SwitchesSetInTheEnvironmentOverrideTheDefaults()
    {
        var variables = new Dictionary<string, string?> { [StepKernels.ChannelsLastVariable] = "1", [StepKernels.InPlaceReluVariable] = "0" };
        var read = (string name) => variables.GetValueOrDefault(name);

        StepKernels.For(0.125f, DeviceType.CPU, "glibc", read).Should().Be(new StepKernels(ChannelsLast: true, InPlaceActivations: false));
        StepKernels.For(0.125f, DeviceType.CPU, "glibc", read).Describe().Should().Contain("channels-last activations, allocating ReLUs");
        variables[StepKernels.ChannelsLastVariable] = "false";
        variables[StepKernels.InPlaceReluVariable] = "true";
        StepKernels.For(1f, DeviceType.CPU, "jemalloc", read).Should().Be(new StepKernels(ChannelsLast: false, InPlaceActivations: true));
        variables.Clear();
        StepKernels.For(0.125f, DeviceType.CPU, "jemalloc", read).Should().Be(StepKernels.Default);
    }

    private sealed record StepResult(
        double[] Losses, Dictionary<string, float[]> Gradients, Dictionary<string, float[]> State, bool StemOutputChannelsLast, List<string> NonContiguous);

    /// <summary>Two steps from seed 1: the losses, the second step's gradients, and every weight and running statistic after it.</summary>
    private static StepResult TwoSteps(StepKernels kernels)
    {
        using var store = TinyRuns.Shapes(32, 16);
        var options = TinyRuns.Options(imageSize: 16, batchSize: 16);
        var run = RunPlanner.Plan(options, store, initial: null, seed: 1, monitor: null, _ => { });
        torch.random.manual_seed(1);
        using var network = ByolStep.CreateNetwork(run, initial: null, torch.CPU);
        network.TrainMode(run.FreezeEncoderBatchNorm);
        using var optimizer = new Lars(ByolStep.Parameters(network, run), weightDecay: run.WeightDecay, trustCoefficient: run.TrustCoefficient);
        using var generator = new torch.Generator(1);
        bool stemChannelsLast = false;
        var step = new ByolStep(network, optimizer, run, torch.CPU, kernels: kernels);
        var firstConv = network.OnlineEncoder.named_modules().Select(m => m.module).OfType<TorchSharp.Modules.Conv2d>().First();
        var hook = firstConv.register_forward_hook((_, _, output) =>
        {
            stemChannelsLast |= StepKernels.IsChannelsLast(output);
            return output;
        });

        var losses = new double[2];
        for (int i = 0; i < 2; i++)
        {
            var indices = Enumerable.Range(16 * i, 16).Select(k => (long)k).ToArray();
            using var pixels = store.Gather(indices);
            using var output = step.Run(pixels, store.ContentOf(indices), lr: 0.2, tau: 0.9, generator);
            losses[i] = output.Read().Loss;
        }
        hook.remove();

        var nonContiguous = network.named_parameters().Where(p => !p.parameter.is_contiguous() || p.parameter.grad is { } g && !g.is_contiguous())
            .Select(p => p.name).ToList();
        var gradients = network.named_parameters().Where(p => p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.data<float>().ToArray());
        return new StepResult(losses, gradients, TinyRuns.Snapshot(network), stemChannelsLast, nonContiguous);
    }

    private static void AssertClose(StepResult actual, StepResult expected, double tolerance, double gradientTolerance)
    {
        for (int i = 0; i < expected.Losses.Length; i++)
            RelativeDifference(new[] { (float)actual.Losses[i] }, new[] { (float)expected.Losses[i] }).Should().BeLessThanOrEqualTo(tolerance, $"loss of step {i + 1}");
        actual.Gradients.Keys.Should().BeEquivalentTo(expected.Gradients.Keys);
        expected.Gradients.Should().NotBeEmpty();
        // Biases before a BatchNorm have a gradient that is zero but for rounding: such a gradient is compared against a
        // floor of 1 % of the largest gradient norm, not against its own norm.
        double floor = 1e-2 * expected.Gradients.Values.Max(Norm);
        foreach (var (name, values) in expected.Gradients)
            RelativeDifference(actual.Gradients[name], values, floor).Should().BeLessThanOrEqualTo(gradientTolerance, $"gradient of {name}");
        actual.State.Keys.Should().BeEquivalentTo(expected.State.Keys);
        // Weights and statistics: relative to their norm, or to 1 below it (the BatchNorm biases start at zero and are
        // only two small updates away from it after two steps).
        foreach (var (name, values) in expected.State)
            RelativeDifference(actual.State[name], values, floor: 1).Should().BeLessThanOrEqualTo(tolerance, $"{name} after two steps");
    }

    /// <summary>‖a − b‖ / max(‖b‖, <paramref name="floor"/>); the absolute difference ‖a − b‖ when both are zero.</summary>
    private static double RelativeDifference(float[] a, float[] b, double floor = 0)
    {
        a.Length.Should().Be(b.Length);
        double difference = Math.Sqrt(a.Zip(b, (x, y) => ((double)x - y) * ((double)x - y)).Sum());
        double scale = Math.Max(Norm(b), floor);
        return scale == 0 ? difference : difference / scale;
    }

    private static double Norm(float[] values) => Math.Sqrt(values.Sum(v => (double)v * v));
}
