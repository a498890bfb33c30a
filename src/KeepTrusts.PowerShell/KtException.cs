namespace KeepTrusts.PowerShell;

/// <summary>The exception behind KeepTrusts error records: a message that says what and how to fix it.</summary>
public sealed class KtException(string message, Exception? inner = null) : Exception(message, inner);
