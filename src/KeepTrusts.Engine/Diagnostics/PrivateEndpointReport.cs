using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Diagnostics;

/// <summary>Every check in checklist order, the ARM reads that failed (for error records), and the summary.</summary>
public sealed record PrivateEndpointReport(
    IReadOnlyList<CheckResult> Checks,
    IReadOnlyList<ArmRequestException> ArmFailures,
    PrivateEndpointSummary Summary);
