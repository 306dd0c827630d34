using Microsoft.ML.Byol;

namespace ByolFashionMnist;

/// <summary>Prints a progress line every few steps (and the last one).</summary>
internal sealed class ConsoleProgress(int everySteps) : IProgress<ByolProgress>
{
    public void Report(ByolProgress value)
    {
        if (value.Step % everySteps == 0 || value.Step == value.TotalSteps || value.CollapseSuspected)
            Console.WriteLine("  " + value);
    }
}
