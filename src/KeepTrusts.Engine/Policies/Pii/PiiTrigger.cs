namespace KeepTrusts.Engine.Policies.Pii;

/// <summary>
/// A recognizer's cheap pre-check: whether the text (or its lower-case copy) could hold the entity at all. Spans, so the
/// lower-case copy can live in a reused buffer.
/// </summary>
internal delegate bool PiiTrigger(ReadOnlySpan<char> text, ReadOnlySpan<char> lowered);
