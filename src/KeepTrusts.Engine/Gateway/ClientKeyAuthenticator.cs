using System.Security.Cryptography;
using System.Text;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Keys;
using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// Checks a client's key (Authorization: Bearer or api-key) against gateway.client_keys and, when gateway.keys.store
/// is set, the virtual key store. Config keys are read from their environment variables once, kept only as SHA-256
/// digests, and compared in constant time; virtual keys are looked up by their salted hash (also constant time) in
/// the watched store, so keys added or revoked there apply without a restart.
/// </summary>
public sealed class ClientKeyAuthenticator : IDisposable
{
    private readonly (string Id, byte[] Digest)[] _keys;
    private readonly VirtualKeyStore? _virtualKeys;
    private readonly bool _ownsVirtualKeys;
    private readonly TimeProvider _time;

    public ClientKeyAuthenticator(GatewayOptions options, Func<string, string?> readEnvironment)
        : this(options, readEnvironment, null, TimeProvider.System)
    {
    }

    /// <param name="virtualKeys">The virtual key store to accept keys from too; not disposed by this authenticator.</param>
    public ClientKeyAuthenticator(GatewayOptions options, Func<string, string?> readEnvironment, VirtualKeyStore? virtualKeys, TimeProvider? time = null)
        : this(options, readEnvironment, virtualKeys, time ?? TimeProvider.System, ownsVirtualKeys: false)
    {
    }

    private ClientKeyAuthenticator(GatewayOptions options, Func<string, string?> readEnvironment, VirtualKeyStore? virtualKeys, TimeProvider time, bool ownsVirtualKeys)
    {
        _virtualKeys = virtualKeys;
        _ownsVirtualKeys = ownsVirtualKeys;
        _time = time;
        Enabled = options.ClientKeys.Count > 0 || virtualKeys is not null;
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

    /// <summary>The virtual key store in use, or null when gateway.keys is not configured.</summary>
    public VirtualKeyStore? VirtualKeys => _virtualKeys;

    /// <summary>
    /// The authenticator a config asks for; opens (and owns, and watches) the virtual key store when gateway.keys.store is set.
    /// Throws <see cref="VirtualKeyStoreException"/> naming the file when the store cannot be read.
    /// </summary>
    public static ClientKeyAuthenticator ForConfig(PolicyConfig config, Func<string, string?> readEnvironment, ILogger? logger = null, TimeProvider? time = null)
    {
        var store = config.Gateway.Keys is { Store.Length: > 0 } keys
            ? VirtualKeyStore.Open(SharedStateConfigValidator.ResolveStorePath(keys.Store, config.SourcePath), watch: true, logger, time)
            : null;
        return new ClientKeyAuthenticator(config.Gateway, readEnvironment, store, time ?? TimeProvider.System, ownsVirtualKeys: true);
    }

    /// <summary>
    /// The id of the key presented (a config key's id or a virtual key's alias), or null when it matches none or is a
    /// disabled or expired virtual key.
    /// </summary>
    public string? Authenticate(string? authorizationHeader, string? apiKeyHeader)
    {
        var identity = Identify(authorizationHeader, apiKeyHeader);
        if (identity?.VirtualKey is { } key && (key.Disabled || key.ExpiresAt is { } expires && _time.GetUtcNow() >= expires))
        {
            return null;
        }

        return identity?.Id;
    }

    /// <summary>
    /// Who presented the key, with the virtual key (disabled and expired ones included, so the caller can say why
    /// through <see cref="KeyPolicy"/>); null when the key matches nothing.
    /// </summary>
    public ClientIdentity? Identify(string? authorizationHeader, string? apiKeyHeader)
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

        if (match is not null)
        {
            return new ClientIdentity(match);
        }

        return _virtualKeys?.FindBySecret(presented) is { } key ? new ClientIdentity(key.Alias, key) : null;
    }

    public void Dispose()
    {
        if (_ownsVirtualKeys)
        {
            _virtualKeys?.Dispose();
        }
    }
}
