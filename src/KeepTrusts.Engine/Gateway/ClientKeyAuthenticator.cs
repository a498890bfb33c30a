using System.Security.Cryptography;
using System.Text;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// Checks a client's key (Authorization: Bearer or api-key) against gateway.client_keys. Keys are read from their
/// environment variables once, kept only as SHA-256 digests, and compared in constant time.
/// </summary>
public sealed class ClientKeyAuthenticator
{
    private readonly (string Id, byte[] Digest)[] _keys;

    public ClientKeyAuthenticator(GatewayOptions options, Func<string, string?> readEnvironment)
    {
        Enabled = options.ClientKeys.Count > 0;
        _keys = options.ClientKeys
            .Select(k => (k.Id, Value: readEnvironment(k.SecretKeyRef.Env)))
            .Where(k => !string.IsNullOrEmpty(k.Value))
            .Select(k => (k.Id, SHA256.HashData(Encoding.UTF8.GetBytes(k.Value!))))
            .ToArray();
        MissingKeyIds = options.ClientKeys.Select(k => k.Id).Except(_keys.Select(k => k.Id)).ToArray();
    }

    /// <summary>True when client keys are configured: every /v1 call must then carry one.</summary>
    public bool Enabled { get; }

    /// <summary>Configured keys whose variable is unset (they can never match).</summary>
    public IReadOnlyList<string> MissingKeyIds { get; }

    /// <summary>The id of the key presented, or null when it matches none.</summary>
    public string? Authenticate(string? authorizationHeader, string? apiKeyHeader)
    {
        var presented = apiKeyHeader;
        if (string.IsNullOrEmpty(presented) && authorizationHeader is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = auth["Bearer ".Length..].Trim();
        }

        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        string? match = null;
        foreach (var (id, expected) in _keys)
        {
            // Every key is compared, matched or not, so timing says nothing about which one matched.
            if (CryptographicOperations.FixedTimeEquals(digest, expected))
            {
                match ??= id;
            }
        }

        return match;
    }
}
