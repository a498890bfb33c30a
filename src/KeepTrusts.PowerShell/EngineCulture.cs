using System.Globalization;

namespace KeepTrusts.PowerShell;

/// <summary>
/// Engine work runs under the invariant culture, as in <c>kt</c>: reasons, messages and audit records read "score 0.99"
/// under every culture, so what the module writes matches what the gateway writes. Only the engine call is scoped;
/// the pipeline thread keeps the user's culture for everything downstream.
/// </summary>
internal static class EngineCulture
{
    public static T Run<T>(Func<T> work)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            return work();
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    public static void Run(Action work) => Run(() =>
    {
        work();
        return true;
    });
}
