namespace KeepTrusts.Engine.Repair;

/// <summary>What happened to one step: Created, AlreadyPresent or WouldCreate.</summary>
public sealed record RepairActionResult(RepairActionKind Action, string Target, RepairOutcome Result, string Message);
