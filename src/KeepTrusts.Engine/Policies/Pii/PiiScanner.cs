using System.Buffers;
using System.Text;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Policies.Pii;

/// <summary>Finds the configured entities in a text and redacts them with typed placeholders.</summary>
public sealed class PiiScanner
{
    private readonly PiiRecognizer[] _recognizers;

    public PiiScanner(IReadOnlyCollection<string> entities)
    {
        _recognizers = PiiRecognizers.All.Where(r => entities.Count == 0 || entities.Contains(r.Entity)).ToArray();
    }

    /// <summary>All matches, overlaps resolved (the earlier one wins, then the longer), in text order.</summary>
    public IReadOnlyList<PiiMatch> Find(string text)
    {
        List<PiiMatch>? found = null;
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(1, text.Length));
        try
        {
            var lowered = buffer.AsSpan(0, text.AsSpan().ToLowerInvariant(buffer));
            foreach (var recognizer in _recognizers)
            {
                recognizer.Find(text, lowered, ref found);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }

        if (found is null)
        {
            return [];
        }

        if (found.Count <= 1)
        {
            return found;
        }

        found.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var kept = new List<PiiMatch>(found.Count);
        foreach (var match in found)
        {
            if (kept.Count == 0 || match.Start >= kept[^1].End)
            {
                kept.Add(match);
            }
        }

        return kept;
    }

    public static string Placeholder(string kind) => $"[REDACTED:{kind}]";

    /// <summary>The text with every match (ending at or before <paramref name="end"/>) replaced; nothing else changes.</summary>
    public static string Redact(string text, IReadOnlyList<PiiMatch> matches, int start = 0, int? end = null)
    {
        var stop = end ?? text.Length;
        var builder = new StringBuilder(stop - start);
        var position = start;
        foreach (var match in matches)
        {
            if (match.Start < start || match.End > stop)
            {
                continue;
            }

            builder.Append(text, position, match.Start - position).Append(Placeholder(match.Kind));
            position = match.End;
        }

        builder.Append(text, position, stop - position);
        return builder.ToString();
    }
}
