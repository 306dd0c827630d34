using System.Buffers.Binary;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;
using TorchSharp;

namespace Microsoft.ML.Byol.Tests.Reliability;

/// <summary>
/// The checkpoint container (format 2) at file level: every kind of damage is found before any tensor is read and
/// reported as an <see cref="InvalidDataException"/> naming the file; format 1 files are still read.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class CheckpointFormatTests : IDisposable
{
    private readonly TempFolder _folder = new("byol-ckpt-format-");

    public CheckpointFormatTests()
    {
        TorchRuntime.EnsureInitialized();
    }

    public void Dispose() => _folder.Dispose();

    internal static readonly CheckpointMetadata Metadata = new() { Step = 8, RunFingerprint = "{\"run\":1}", LastLoss = 1.25, WrittenUtc = new DateTime(2026, 12, 4, 0, 0, 0, DateTimeKind.Utc) };

    /// <summary>Writes a checkpoint of seeded random tensors (about 200 kB) and returns their values.</summary>
    internal static Dictionary<string, float[]> WriteSample(string path, int seed = 3)
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator((ulong)seed);
        var tensors = new Dictionary<string, torch.Tensor>
        {
            ["network.a"] = torch.randn(new long[] { 64, 3, 3, 3 }, generator: generator),
            ["network.b"] = torch.randn(new long[] { 200, 200 }, generator: generator),
            ["momentum.a"] = torch.randn(new long[] { 7 }, generator: generator),
        };
        CheckpointFile.Write(path, Metadata, tensors);
        return tensors.ToDictionary(kv => kv.Key, kv => kv.Value.data<float>().ToArray());
    }

    internal static void ShouldHoldSample(string path, Dictionary<string, float[]> expected)
    {
        var (metadata, tensors) = CheckpointFile.Read(path);
        try
        {
            metadata.Should().Be(Metadata);
            tensors.Keys.Should().BeEquivalentTo(expected.Keys);
            foreach (var (name, values) in expected)
                tensors[name].data<float>().ToArray().Should().Equal(values, name);
        }
        finally
        {
            foreach (var t in tensors.Values)
                t.Dispose();
        }
    }

    [Fact]
    public void AWrittenCheckpointReadsBackExactly()
    {
        string path = Path.Combine(_folder.Path, "byol-step-000000008.ckpt");
        var expected = WriteSample(path);
        ShouldHoldSample(path, expected);
        CheckpointFile.ReadMetadata(path).Should().Be(Metadata);
        Directory.GetFiles(_folder.Path).Should().Equal(path);
    }

    public static TheoryData<string> Damages() => new()
    {
        CheckpointDamage.Half, CheckpointDamage.FourteenBytes, CheckpointDamage.Empty, CheckpointDamage.RandomBytes, CheckpointDamage.FlippedByte,
        "flipped in the header's length", "flipped in the metadata", "flipped in the checksum", "one byte appended", "cut to 10 bytes",
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void EveryDamageIsAnInvalidDataExceptionNamingTheFile(string damage)
    {
        string path = Path.Combine(_folder.Path, "byol-step-000000008.ckpt");
        WriteSample(path);
        byte[] bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "flipped in the header's length": File.WriteAllBytes(path, CheckpointDamage.Flip(bytes, 13)); break;
            case "flipped in the metadata": File.WriteAllBytes(path, CheckpointDamage.Flip(bytes, 30)); break;
            case "flipped in the checksum": File.WriteAllBytes(path, CheckpointDamage.Flip(bytes, bytes.Length - 3)); break;
            case "one byte appended": File.WriteAllBytes(path, bytes.Append((byte)0).ToArray()); break;
            case "cut to 10 bytes": File.WriteAllBytes(path, bytes[..10]); break;
            default: CheckpointDamage.Apply(path, damage); break;
        }

        FluentActions.Invoking(() => CheckpointFile.Read(path)).Should().ThrowExactly<InvalidDataException>().Which.Message.Should().Contain(path);
        FluentActions.Invoking(() => CheckpointFile.ReadMetadata(path)).Should().ThrowExactly<InvalidDataException>().Which.Message.Should().Contain(path);
    }

    [Fact]
    public void FormatOneIsStillReadAndATruncatedOneIsAnErrorNamingTheFile()
    {
        // Format 1 = magic, version 1, then the same payload with no length and no checksum.
        string v2 = Path.Combine(_folder.Path, "v2.ckpt"), v1 = Path.Combine(_folder.Path, "byol-step-000000008.ckpt");
        var expected = WriteSample(v2);
        byte[] bytes = File.ReadAllBytes(v2);
        long payload = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12));
        var old = bytes[..12].Concat(bytes.Skip(20).Take((int)payload)).ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(old.AsSpan(8), 1);
        File.WriteAllBytes(v1, old);
        ShouldHoldSample(v1, expected);

        foreach (int cut in new[] { old.Length - 1, old.Length / 2, 40, 14 })
        {
            File.WriteAllBytes(v1, old[..cut]);
            FluentActions.Invoking(() => CheckpointFile.Read(v1)).Should().ThrowExactly<InvalidDataException>().Which.Message.Should().Contain(v1);
            FluentActions.Invoking(() => CheckpointFile.ReadMetadata(v1)).Should().ThrowExactly<InvalidDataException>().Which.Message.Should().Contain(v1);
        }

        BinaryPrimitives.WriteInt32LittleEndian(old.AsSpan(8), 3);
        File.WriteAllBytes(v1, old);
        FluentActions.Invoking(() => CheckpointFile.Read(v1)).Should().ThrowExactly<InvalidDataException>().WithMessage($"*{v1}*format 3*");
    }
}
