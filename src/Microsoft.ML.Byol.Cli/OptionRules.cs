using System.CommandLine;
using System.CommandLine.Parsing;

namespace Microsoft.ML.Byol.Cli;

/// <summary>
/// Range rules for System.CommandLine options: the one definition used by the byol tool, and linked as source by the
/// main job (samples/ByolFashionMnist) and the benchmarks. A value whose text does not parse is left to
/// System.CommandLine, which reports it as a parse error (a rule never throws on it).
/// </summary>
internal static class OptionRules
{
    /// <summary>The option's value must be above zero.</summary>
    public static Option<T> Positive<T>(Option<T> option)
        where T : struct, IComparable<T>
        => Check(option, value => value.CompareTo(default) > 0, "must be positive");

    /// <summary>The option's value, when given, must be above zero.</summary>
    public static Option<T?> Positive<T>(Option<T?> option)
        where T : struct, IComparable<T>
        => Check(option, value => value is not { } v || v.CompareTo(default) > 0, "must be positive");

    /// <summary>The option's value must not be below zero.</summary>
    public static Option<T> NonNegative<T>(Option<T> option)
        where T : struct, IComparable<T>
        => Check(option, value => value.CompareTo(default) >= 0, "must not be negative");

    /// <summary>The option's value, when given, must not be below zero.</summary>
    public static Option<T?> NonNegative<T>(Option<T?> option)
        where T : struct, IComparable<T>
        => Check(option, value => value is not { } v || v.CompareTo(default) >= 0, "must not be negative");

    private static Option<T> Check<T>(Option<T> option, Func<T, bool> holds, string rule)
    {
        option.Validators.Add(result =>
        {
            if (TryGetValue<T>(result, out var value) && !holds(value))
                result.AddError($"{option.Name} {rule}.");
        });
        return option;
    }

    /// <summary>The option's value, or false when its text does not parse (System.CommandLine reports that error itself).</summary>
    public static bool TryGetValue<T>(OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }
}
