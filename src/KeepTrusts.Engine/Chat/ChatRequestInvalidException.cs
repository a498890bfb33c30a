namespace KeepTrusts.Engine.Chat;

/// <summary>Invoke-KtChat's input cannot make a request (a tool without a name, json_schema without a schema): nothing was sent.</summary>
public sealed class ChatRequestInvalidException(string message) : Exception(message);
