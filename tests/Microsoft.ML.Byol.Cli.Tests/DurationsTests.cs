namespace Microsoft.ML.Byol.Cli.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("30m", 30 * 60)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("1h30m", 90 * 60)]
    [InlineData("90s", 90)]
    [InlineData("1.5h", 5400)]
    [InlineData("00:30:00", 30 * 60)]
    [InlineData("10min", 600)]
    public void ParsesWhatPeopleWrite(string text, double seconds) =>
        Durations.TryParse(text).Should().Be(TimeSpan.FromSeconds(seconds));

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("0m")]
    [InlineData("30")]
    [InlineData("-5m")]
    public void RejectsWhatIsNotAPositiveDuration(string text) => Durations.TryParse(text).Should().BeNull();

    [Fact]
    public async Task ABadTimeBudgetIsAParseErrorNamingIt()
    {
        using var images = new ImageFolder(2);
        var run = await CliRun.RunAsync("pretrain", "--images", images.Folder, "--out", images.PathIn("run"), "--time-budget", "soon");
        run.ExitCode.Should().Be(1, run.ToString());
        run.Error.Should().Contain("'soon' is not a positive duration");
        Directory.Exists(images.PathIn("run")).Should().BeFalse("nothing runs on a command line that does not parse");
    }
}
