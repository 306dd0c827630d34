using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Byol.Cli;

/// <summary>Durations as people write them on a command line: 30m, 2h, 1h30m, 90s, 1.5h, or hh:mm:ss.</summary>
internal static partial class Durations
{
    [GeneratedRegex(@"^(?:(?<h>\d+(?:\.\d+)?)h)?(?:(?<m>\d+(?:\.\d+)?)m(?:in)?)?(?:(?<s>\d+(?:\.\d+)?)s)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Units();

    /// <summary>The duration <paramref name="text"/> stands for, or null when it is not one (or not positive).</summary>
    public static TimeSpan? TryParse(string text)
    {
        text = text.Trim();
        if (text.Length == 0)
            return null;
        var match = Units().Match(text);
        if (match.Success && (match.Groups["h"].Success || match.Groups["m"].Success || match.Groups["s"].Success))
        {
            double Part(string name) => match.Groups[name].Success ? double.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
            var span = TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m")) + TimeSpan.FromSeconds(Part("s"));
            return span > TimeSpan.Zero ? span : null;
        }
        return text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero ? parsed : null;
    }

    /// <summary>A System.CommandLine parser for a <see cref="TimeSpan"/>? option.</summary>
    public static TimeSpan? Parse(ArgumentResult result)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (TryParse(text) is { } span)
            return span;
        result.AddError($"'{text}' is not a positive duration: write e.g. 30m, 2h, 1h30m, 90s or 00:30:00.");
        return null;
    }
}
