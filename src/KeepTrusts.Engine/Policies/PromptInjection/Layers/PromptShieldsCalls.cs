using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Policies.PromptInjection.Layers;

/// <summary>
/// Splits a request's text over shieldPrompt calls within the service's per-call limits (prompt characters,
/// document count and characters), at most max_calls calls; <see cref="Unsent"/> says whether text was left over.
/// </summary>
internal sealed class PromptShieldsCalls
{
    public List<PromptShieldsCall> Calls { get; } = [];

    public bool Unsent { get; private set; }

    public static PromptShieldsCalls Split(IReadOnlyList<TextSegment> segments, PromptShieldsOptions options)
    {
        var result = new PromptShieldsCalls();
        var prompt = string.Join("\n", segments.Where(s => s.Kind != TextSegmentKind.ToolResult).Select(s => s.Text));
        var promptSources = string.Join(", ", segments.Where(s => s.Kind != TextSegmentKind.ToolResult).Select(s => s.Source));
        var promptPieces = Pieces(prompt, options.MaxPromptChars).ToList();
        var documentPieces = segments.Where(s => s.Kind == TextSegmentKind.ToolResult)
            .SelectMany(s => Pieces(s.Text, options.MaxDocumentChars).Select(p => (Source: s.Source, Text: p)))
            .ToList();

        var nextPrompt = 0;
        var nextDocument = 0;
        while (nextPrompt < promptPieces.Count || nextDocument < documentPieces.Count)
        {
            if (result.Calls.Count == options.MaxCalls)
            {
                result.Unsent = true;
                break;
            }

            var call = new PromptShieldsCall();
            if (nextPrompt < promptPieces.Count)
            {
                call.UserPrompt = promptPieces[nextPrompt++];
                call.PromptSources = promptSources;
            }

            while (nextDocument < documentPieces.Count && call.Documents.Count < options.MaxDocuments &&
                   call.DocumentChars + documentPieces[nextDocument].Text.Length <= options.MaxDocumentChars)
            {
                call.Documents.Add(documentPieces[nextDocument].Text);
                call.DocumentSources.Add(documentPieces[nextDocument].Source);
                nextDocument++;
            }

            result.Calls.Add(call);
        }

        return result;
    }

    private static IEnumerable<string> Pieces(string text, int size)
    {
        if (text.Length == 0)
        {
            yield break;
        }

        for (var start = 0; start < text.Length; start += size)
        {
            yield return text.Substring(start, Math.Min(size, text.Length - start));
        }
    }
}
