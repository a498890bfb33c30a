using System.Text.Json.Serialization;

namespace KeepTrusts.Engine.Keys;

/// <summary>The key store file: a format version, the store's random salt and the keys.</summary>
internal sealed class VirtualKeyStoreDocument
{
    [JsonPropertyName("version")]
    public int Version { get; set; } = 1;

    /// <summary>32 random bytes, base64; keys the secret hashes so equal secrets in two stores hash differently.</summary>
    [JsonPropertyName("salt")]
    public string Salt { get; set; } = string.Empty;

    [JsonPropertyName("keys")]
    public List<VirtualKey> Keys { get; set; } = [];
}
