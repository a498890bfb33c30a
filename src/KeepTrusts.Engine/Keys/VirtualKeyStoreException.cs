namespace KeepTrusts.Engine.Keys;

/// <summary>The key store cannot be read or changed; the message names the file (and line:column for bad JSON) and the fix.</summary>
public sealed class VirtualKeyStoreException(string message, Exception? inner = null) : Exception(message, inner);
