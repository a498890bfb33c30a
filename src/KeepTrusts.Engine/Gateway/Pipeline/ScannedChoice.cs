namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>One choice of a chat chunk as <see cref="ChatChunkScan"/> read it: positions are byte offsets in the chunk.</summary>
internal struct ScannedChoice
{
    public int Index;

    /// <summary>delta.content (null when absent or null).</summary>
    public string? Text;

    /// <summary>The content string's token, quotes included (length 0: no content string).</summary>
    public (int Start, int Length) TextToken;

    public string? FinishReason;

    /// <summary>content_filter_results (length 0: absent).</summary>
    public (int Start, int Length) FilterResults;
}
