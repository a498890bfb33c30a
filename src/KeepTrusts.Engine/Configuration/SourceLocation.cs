namespace KeepTrusts.Engine.Configuration;

/// <summary>Where a value stands in the source file (1-based line and column).</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public static readonly SourceLocation None = new(string.Empty, 0, 0);

    public bool IsKnown => Line > 0;

    public override string ToString() => IsKnown ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}") : File;
}
