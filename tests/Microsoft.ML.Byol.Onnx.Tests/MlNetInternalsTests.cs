using Microsoft.ML.Byol.Scoring;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Byol.Onnx.Tests;

/// <summary>
/// Each member of <see cref="MlNetInternals"/> (the only reflection on ML.NET) runs on the ML.NET this build restores
/// and gives a meaningful value on a real MLContext and LoadImages pipeline. When one fails, ML.NET changed the member
/// named in the message: update <see cref="MlNetInternals"/>, not the callers.
/// </summary>
public sealed class MlNetInternalsTests
{
    private static string Changed(string member) =>
        $"MlNetInternals reads {member}, and this ML.NET no longer has it as ML.NET 5.0.1 did: update MlNetInternals";

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    [Fact]
    public void EnvironmentOf_IsTheContextsOwnEnvironment()
    {
        var ml = new MLContext(seed: 5);
        var messages = new List<string>();
        ml.Log += (_, e) =>
        {
            lock (messages)
            {
                messages.Add(e.Message);
            }
        };

        var env = FluentActions.Invoking(() => MlNetInternals.EnvironmentOf(ml.Transforms))
            .Should().NotThrow(Changed(MlNetInternals.CatalogEnvironmentMember)).Subject;

        // Its hosts draw from the context's seed, and their channels reach MLContext.Log.
        int expected = ((IHostEnvironment)new MLContext(seed: 5)).Register("probe").Rand.Next();
        var host = env.Register("probe");
        host.Rand.Next().Should().Be(expected, Changed(MlNetInternals.CatalogEnvironmentMember));
        using (var channel = host.Start("probe"))
        {
            channel.Info(MessageSensitivity.None, "MlNetInternals probe message");
        }

        messages.Should().Contain(m => m.Contains("MlNetInternals probe message"), Changed(MlNetInternals.CatalogEnvironmentMember));
    }

    [Fact]
    public void GpuSettingsOf_ReadsTheContextsSettingsBehindItsCatalogAndHosts()
    {
        var ml = new MLContext(seed: 1) { GpuDeviceId = 3, FallbackToCpu = false };
        var env = MlNetInternals.EnvironmentOf(ml.Transforms);
        env.Should().NotBeOfType<MLContext>("the catalog's environment is the one behind the context, where reflection is needed");

        MlNetInternals.GpuSettingsOf(env).Should().Be(((int?)3, false), Changed(MlNetInternals.GpuSettingsMember));
        MlNetInternals.GpuSettingsOf(env.Register("child")).Should().Be(((int?)3, false), Changed(MlNetInternals.GpuSettingsMember));
        var defaults = new MLContext();
        MlNetInternals.GpuSettingsOf(MlNetInternals.EnvironmentOf(defaults.Transforms))
            .Should().Be((defaults.GpuDeviceId, defaults.FallbackToCpu), Changed(MlNetInternals.GpuSettingsMember));
        MlNetInternals.GpuSettingsOf(null).Should().Be(((int?)null, true));
    }

    [Fact]
    public void ImageLoadersBehind_FindsLoadImagesAndItsFolder_OnlyForItsOwnView()
    {
        var ml = new MLContext(seed: 1);
        using var temp = new TempFolder("byol-internals-");
        string folder = temp.Path;
        var rows = ml.Data.LoadFromEnumerable(new[] { new PathRow { Path = "a.png" } });
        var images = ml.Transforms.LoadImages("Image", folder, nameof(PathRow.Path)).Fit(rows).Transform(rows);

        var loaders = MlNetInternals.ImageLoadersBehind(images);
        loaders.Should().ContainSingle(Changed(MlNetInternals.ImageLoaderMember))
            .Which.ImageFolder.Should().Be(folder);

        var source = LoadImagesSource.Find(images, images.Schema["Image"]);
        source.Should().NotBeNull(Changed(MlNetInternals.ImageLoaderMember));
        source!.PathColumn.Name.Should().Be(nameof(PathRow.Path));
        source.Resolve("a.png").Should().Be(Path.Combine(folder, "a.png"));

        // Not the loaders of upstream views: a view made from LoadImages' output is not LoadImages' own.
        var resized = ml.Transforms.ResizeImages("Small", 8, 8, "Image").Fit(images).Transform(images);
        MlNetInternals.ImageLoadersBehind(resized).Should().BeEmpty();
        MlNetInternals.ImageLoadersBehind(rows).Should().BeEmpty();
    }
}
