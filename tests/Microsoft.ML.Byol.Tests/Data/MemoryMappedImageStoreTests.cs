using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol.Tests.Data;

public sealed class MemoryMappedImageStoreTests
{
    public MemoryMappedImageStoreTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void GatherCopiesTheRequestedImagesInOrder()
    {
        string path = Path.GetTempFileName();
        var bytes = Enumerable.Range(0, 4 * 3 * 2 * 2).Select(i => (byte)i).ToArray();
        File.WriteAllBytes(path, bytes);
        using (var store = new MemoryMappedImageStore(path, 4, 3, 2, 2, deleteOnDispose: true))
        using (var memory = InMemoryImageStore.FromBytes(bytes, 4, 3, 2, 2))
        {
            long[] order = { 2, 0, 3, 3 };
            using var a = store.Gather(order);
            using var b = memory.Gather(order);
            a.shape.Should().Equal(4, 3, 2, 2);
            a.dtype.Should().Be(TorchSharp.torch.ScalarType.Byte);
            a.bytes.ToArray().Should().Equal(b.bytes.ToArray());
            a.bytes[0].Should().Be(24);
            var outside = () => store.Gather(new long[] { 4 });
            outside.Should().Throw<ArgumentOutOfRangeException>();
        }
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public void KeepsTheFileWhenNotOwned()
    {
        string path = Path.GetTempFileName();
        File.WriteAllBytes(path, new byte[16]);
        new MemoryMappedImageStore(path, 1, 1, 4, 4, deleteOnDispose: false).Dispose();
        File.Exists(path).Should().BeTrue();
        File.Delete(path);
    }

    [Fact]
    public void RejectsAFileTooShort()
    {
        string path = Path.GetTempFileName();
        File.WriteAllBytes(path, new byte[10]);
        var act = () => new MemoryMappedImageStore(path, 1, 1, 4, 4, deleteOnDispose: true);
        act.Should().Throw<ArgumentException>();
        File.Delete(path);
    }
}
