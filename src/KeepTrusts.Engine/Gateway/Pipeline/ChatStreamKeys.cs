using KeepTrusts.Engine.Gateway.Wire;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// The keys a chat stream's texts are filtered under in <see cref="KeyedStreamChains"/> — a choice's text ("0"), a tool
/// call's arguments ("0/tool/1") — and the delta that carries a key's held-back tail to the client.
/// </summary>
internal static class ChatStreamKeys
{
    // Made once for the first choices: every chunk asks for its choices' keys.
    private const int Cached = 16;
    private static readonly string[] Choices = Enumerable.Range(0, Cached).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    private static readonly string[] ChoicePrefixes = Choices.Select(k => k + "/").ToArray();

    /// <summary>A choice's text ("0").</summary>
    public static string Choice(int index) =>
        (uint)index < Cached ? Choices[index] : index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What the keys of a choice's tool calls start with ("0/").</summary>
    public static string ChoicePrefix(int index) => (uint)index < Cached ? ChoicePrefixes[index] : Choice(index) + "/";

    /// <summary>A tool call's arguments under its choice's key ("0/tool/1").</summary>
    public static string ToolCall(string choiceKey, int callIndex) => string.Create(CultureInfo.InvariantCulture, $"{choiceKey}/tool/{callIndex}");

    /// <summary>The choice index a key belongs to.</summary>
    public static int ChoiceOf(string key) =>
        int.Parse(key.IndexOf('/') is var slash and >= 0 ? key[..slash] : key, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The delta that carries <paramref name="text"/> for a key: content for a choice, arguments for a tool call.</summary>
    public static ChatMessage DeltaFor(string key, string text) => key.IndexOf('/') < 0
        ? new ChatMessage { Content = new MessageContent { Text = text } }
        : new ChatMessage
        {
            ToolCalls = [new ToolCall { Index = int.Parse(key[(key.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture), Function = new FunctionCall { Arguments = text } }],
        };
}
