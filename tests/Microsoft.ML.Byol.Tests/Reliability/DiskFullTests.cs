using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;
using TorchSharp;

namespace Microsoft.ML.Byol.Tests.Reliability;

/// <summary>
/// A disk that fills up while a checkpoint is written: the write fails with an error naming the checkpoint, the
/// older checkpoint (another one, or the one being replaced) is intact and no temporary file is left behind.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class DiskFullTests : IDisposable
{
    private readonly TempFolder _folder = new("byol-disk-full-");

    public DiskFullTests()
    {
        TorchRuntime.EnsureInitialized();
    }

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(0, false)]
    [InlineData(10, false)]
    [InlineData(100_000, false)]
    [InlineData(100_000, true)]
    [InlineData(-1, false)]   // the whole file fits, the final flush fails
    public void AFailedWriteNamesTheFileKeepsTheOlderCheckpointAndLeavesNoTemporaryFile(long capacity, bool replaceTheOlder)
    {
        string older = Path.Combine(_folder.Path, "byol-step-000000004.ckpt");
        var expected = CheckpointFormatTests.WriteSample(older, seed: 4);
        byte[] olderBytes = File.ReadAllBytes(older);
        string target = replaceTheOlder ? older : Path.Combine(_folder.Path, "byol-step-000000006.ckpt");
        if (capacity < 0)
            capacity = olderBytes.Length;   // same tensor sizes: the new file is as long as the older one

        FailingStream? stream = null;
        using (var scope = torch.NewDisposeScope())
        {
            var tensors = new Dictionary<string, torch.Tensor>
            {
                ["network.a"] = torch.ones(64, 3, 3, 3),
                ["network.b"] = torch.ones(200, 200),
                ["momentum.a"] = torch.ones(7),
            };
            FluentActions.Invoking(() => CheckpointFile.Write(target, CheckpointFormatTests.Metadata, tensors, temporary => stream = new FailingStream(temporary, capacity)))
                .Should().ThrowExactly<IOException>().Which.Message.Should().Contain(target).And.Contain("No space left on device");
        }

        stream.Should().NotBeNull();
        stream!.Written.Should().Be(capacity, "the disk took what fitted");
        Directory.GetFiles(_folder.Path).Should().Equal(new[] { older }, "no temporary file and no partial checkpoint remain");
        File.ReadAllBytes(older).Should().Equal(olderBytes);
        CheckpointFormatTests.ShouldHoldSample(older, expected);
    }
}
