using System.Management.Automation;

namespace KeepTrusts.PowerShell;

/// <summary>Builds error records whose id, category and target scripts can rely on.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord Create(string id, ErrorCategory category, object? target, string message, string? recommendedAction = null, Exception? exception = null)
    {
        // The exception carries our message; the engine's own exception (if any) stays as the inner one for -Debug users.
        var record = new ErrorRecord(new KtException(message, exception), id, category, target);
        if (recommendedAction is not null)
        {
            record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = recommendedAction };
        }

        return record;
    }
}
