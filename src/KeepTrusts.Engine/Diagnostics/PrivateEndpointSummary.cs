namespace KeepTrusts.Engine.Diagnostics;

/// <summary>The one-line answer: the first broken link of the chain and its fix, or that the chain is healthy.</summary>
public sealed record PrivateEndpointSummary(
    string Endpoint,
    bool Healthy,
    string? FirstFailingCheck,
    int? Gotcha,
    string Message,
    string? Remediation,
    int Failed,
    int Warnings,
    int Passed,
    int Skipped)
{
    /// <summary>The private endpoint that was checked (null without ARM data): what Repair-KtDnsZoneLink needs.</summary>
    public string? PrivateEndpointId { get; init; }

    /// <summary>The VNets that must be linked to the zone: the endpoint's, the app's and any requested.</summary>
    public IReadOnlyList<string> VirtualNetworkIds { get; init; } = [];

    public static PrivateEndpointSummary From(string endpoint, IReadOnlyList<CheckResult> checks)
    {
        var failed = checks.Count(c => c.Status == CheckStatus.Fail);
        var warnings = checks.Count(c => c.Status == CheckStatus.Warn);
        var passed = checks.Count(c => c.Status == CheckStatus.Pass);
        var skipped = checks.Count(c => c.Status == CheckStatus.Skipped);
        var first = checks.FirstOrDefault(c => c.Status == CheckStatus.Fail) ?? checks.FirstOrDefault(c => c.Status == CheckStatus.Warn);
        if (first is null)
        {
            return new PrivateEndpointSummary(endpoint, true, null, null,
                string.Create(CultureInfo.InvariantCulture, $"All {passed} checks that could run passed ({skipped} skipped)."), null, 0, 0, passed, skipped);
        }

        return new PrivateEndpointSummary(endpoint, failed == 0, first.Check, first.Gotcha,
            $"{first.Check}: {first.Message}", first.Remediation, failed, warnings, passed, skipped);
    }
}
