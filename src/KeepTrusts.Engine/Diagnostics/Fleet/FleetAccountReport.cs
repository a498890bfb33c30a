namespace KeepTrusts.Engine.Diagnostics.Fleet;

/// <summary>The checks for one account of a sweep, or why they could not run (Error).</summary>
public sealed record FleetAccountReport(FleetAccount Account, PrivateEndpointReport? Report, string? Error);
