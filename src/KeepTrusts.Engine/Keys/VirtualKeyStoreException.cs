namespace KeepTrusts.Engine.Keys;

/// <summary>The key store cannot be read or changed; the message names the file (and line:column for bad JSON) and the fix.</summary>
public sealed class VirtualKeyStoreException(string message, Exception? inner = null, VirtualKeyStoreError error = VirtualKeyStoreError.Invalid)
    : Exception(message, inner)
{
    public VirtualKeyStoreException(string message, VirtualKeyStoreError error)
        : this(message, null, error)
    {
    }

    public VirtualKeyStoreError Error { get; } = error;
}
