namespace KeepTrusts.Engine.Policies.Pii;

/// <summary>One detected entity: where it is and what kind (never its text).</summary>
public readonly record struct PiiMatch(int Start, int Length, string Kind)
{
    public int End => Start + Length;
}
