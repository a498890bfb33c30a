namespace KeepTrusts.Engine.State;

/// <summary>A key's spend in USD for the current UTC day and month.</summary>
public readonly record struct SpendTotals(decimal Day, decimal Month);
