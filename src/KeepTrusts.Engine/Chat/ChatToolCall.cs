namespace KeepTrusts.Engine.Chat;

/// <summary>A function call the model asked for: its id (to answer with a tool message), the function and its JSON arguments.</summary>
public sealed record ChatToolCall(string Id, string Name, string Arguments);
