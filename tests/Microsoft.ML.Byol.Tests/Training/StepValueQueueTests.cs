using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;
using TorchSharp;

namespace Microsoft.ML.Byol.Tests.Training;

/// <summary>Values left on the device are read all at once, exactly, in step order, and the tensors are released.</summary>
public sealed class StepValueQueueTests
{
    public StepValueQueueTests() => TorchRuntime.EnsureInitialized();

    private static StepOutput Output(float loss, float std) => new(torch.tensor(loss), torch.tensor(std));

    [Fact]
    public void ReadsEveryPendingStepInOrderWithExactValuesAndEmpties()
    {
        using var queue = new StepValueQueue();
        float[] losses = { 3.25f, float.NaN, 1.0f / 3 };
        float[] stds = { 0.0625f, 0.01f, 1e-7f };
        for (int i = 0; i < 3; i++)
            queue.Add(10 + i, learningRate: 0.1 * i, tau: 0.99 + 0.001 * i, Output(losses[i], stds[i]));
        queue.Count.Should().Be(3);

        var values = queue.Read();
        values.Select(v => v.Step).Should().Equal(10, 11, 12);
        values.Select(v => v.LearningRate).Should().Equal(0.0, 0.1, 0.2);
        values.Select(v => v.Tau).Should().Equal(0.99, 0.991, 0.992);
        values.Select(v => BitConverter.DoubleToInt64Bits(v.Loss)).Should().Equal(losses.Select(l => BitConverter.DoubleToInt64Bits(l)));
        values.Select(v => v.ProjectionStd).Should().Equal(stds.Select(s => (double)s));
        queue.Count.Should().Be(0);
        queue.Read().Should().BeEmpty();
    }

    [Fact]
    public void ReadingAndDisposingReleaseTheDeviceTensors()
    {
        var read = Output(1, 2);
        var unread = Output(3, 4);
        using (var queue = new StepValueQueue())
        {
            queue.Add(0, 0, 0, read);
            queue.Read();
            read.Loss.IsInvalid.Should().BeTrue();
            read.ProjectionStd.IsInvalid.Should().BeTrue();
            queue.Add(1, 0, 0, unread);
        }
        unread.Loss.IsInvalid.Should().BeTrue();
        unread.ProjectionStd.IsInvalid.Should().BeTrue();
    }

    [Fact]
    public void AStepOutputReadsAsItemWould()
    {
        using var loss = torch.tensor(new[] { 0.7f, 1.3f }).sum();
        using var output = new StepOutput(loss.detach(), torch.tensor(0.05f));
        var (l, s) = output.Read();
        l.Should().Be(loss.item<float>());
        s.Should().Be(0.05f);
    }
}
