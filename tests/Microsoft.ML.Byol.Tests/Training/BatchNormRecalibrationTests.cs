using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Tests.Training;

public sealed class BatchNormRecalibrationTests
{
    private const int Count = 48, CacheSide = 16, Side = 24;

    public BatchNormRecalibrationTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void AfterRecalibrationEvalModeComputesWhatTheImagesOwnStatisticsGive()
    {
        using var store = Shapes(seed: 3);
        using var encoder = TinyEncoder();
        var norms = encoder.modules().OfType<BatchNorm2d>().ToArray();
        using (no_grad())
            foreach (var norm in norms)   // statistics of another domain, far from these images'
            {
                norm.running_mean!.fill_(3.0);
                norm.running_var!.fill_(40.0);
                norm.weight.uniform_(0.5, 1.5);   // affine terms the recalibration must keep
                norm.bias!.uniform_(-0.2, 0.2);
            }
        var weightsBefore = TinyRuns.Snapshot(encoder);
        using var views = CentreViews(store);
        using var stale = Forward(encoder, views, train: false);

        int used = BatchNormRecalibration.Run(encoder, store, CPU, Side, batchSize: Count, seed: 1);

        used.Should().Be(Count);
        norms.Should().OnlyContain(n => n.momentum == 0.1 && !n.training, "the momentum and eval mode are put back");
        foreach (var (name, weights) in TinyRuns.Snapshot(encoder).Where(p => !IsStatistic(p.Key)))
            weights.Should().Equal(weightsBefore[name], $"{name} is a weight or affine term, not a statistic");
        using var recalibrated = Forward(encoder, views, train: false);
        using var batchStatistics = Forward(encoder, views, train: true);
        // One batch of all images: the running statistics are that batch's (variance unbiased, hence not exactly equal).
        RelativeDifference(recalibrated, batchStatistics).Should().BeLessThan(0.02);
        RelativeDifference(stale, batchStatistics).Should().BeGreaterThan(0.3);
    }

    [Fact]
    public void StatisticsAreTheMeanOverBatches()
    {
        using var store = Shapes(seed: 4);
        using var encoder = TinyEncoder();
        var first = encoder.modules().OfType<BatchNorm2d>().First();

        BatchNormRecalibration.Run(encoder, store, CPU, Side, batchSize: Count / 4, seed: 1);

        // The stem's BatchNorm sees the stem convolution's output, which recalibration does not change: its running
        // mean must be the mean over all images (batches of equal size), not an exponential average weighted to the last.
        using var views = CentreViews(store);
        using var stem = encoder.modules().OfType<Conv2d>().First().call(views);
        using var expected = stem.mean(new long[] { 0, 2, 3 });
        using var difference = first.running_mean!.sub(expected).abs().max();
        difference.item<float>().Should().BeLessThan(1e-4f);
    }

    private static InMemoryImageStore Shapes(int seed)
    {
        var (pixels, _) = SyntheticShapes.Generate(Count, CacheSide, seed);
        return InMemoryImageStore.FromBytes(pixels, Count, 3, CacheSide, CacheSide);
    }

    private static ResNet TinyEncoder() => new(new ResNetLayout(ByolArchitecture.ResNet18, 0.125f, true));

    private static bool IsStatistic(string name) => name.Contains("running_") || name.EndsWith("num_batches_tracked", StringComparison.Ordinal);

    private static Tensor CentreViews(ImageStore store)
    {
        var all = Enumerable.Range(0, store.Count).Select(i => (long)i).ToArray();
        using var scope = NewDisposeScope();
        return store.CenterViews(all, CPU, Side).MoveToOuterDisposeScope();
    }

    private static Tensor Forward(ResNet encoder, Tensor views, bool train)
    {
        using var noGrad = no_grad();
        encoder.train(train);
        var output = encoder.call(views);
        encoder.eval();
        return output;
    }

    private static double RelativeDifference(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.sub(b).norm().item<float>() / b.norm().item<float>();
    }
}
