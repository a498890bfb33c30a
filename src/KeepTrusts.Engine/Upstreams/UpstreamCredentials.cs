using System.Runtime.CompilerServices;
using Azure.Core;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Upstreams;

/// <summary>
/// Puts a target's credential on an upstream request: the key from its environment variable (read per request,
/// so rotation needs no restart) in the configured header and prefix, or an Entra ID bearer token for
/// azure_auth managed_identity / default_credential, cached and refreshed five minutes before it expires.
/// </summary>
public sealed class UpstreamCredentials
{
    private readonly Func<string, string?> _readEnvironment;

    // Azure.Core/Azure.Identity types appear only in EntraTokenCache and in the constructor that takes a credential
    // factory, so a gateway whose targets use API keys never loads those assemblies (bench/README.md, "Round 4").
    private readonly Delegate? _credentialFactory;
    private EntraTokenCache? _entra;

    public UpstreamCredentials()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    public UpstreamCredentials(Func<string, string?> readEnvironment) => _readEnvironment = readEnvironment;

    /// <param name="credentialFactory">Makes the Entra ID credential for an azure_auth target (tests); by default managed identity or DefaultAzureCredential.</param>
    public UpstreamCredentials(Func<string, string?> readEnvironment, Func<AzureAuthOptions, TokenCredential>? credentialFactory)
        : this(readEnvironment) => _credentialFactory = credentialFactory;

    /// <summary>Adds the credential header; throws <see cref="UpstreamCredentialException"/> (naming the variable, never a value) when there is none.</summary>
    public async ValueTask ApplyAsync(TargetOptions target, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (target.Provider == ProviderKind.Echo)
        {
            return;
        }

        if (target.Provider == ProviderKind.AzureOpenAI && target.AzureAuth is { Type: not AzureAuthType.ApiKey } auth)
        {
            var token = await EntraTokenAsync(target.Id, auth, cancellationToken).ConfigureAwait(false);
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            return;
        }

        var variable = target.EffectiveSecretEnv;
        var key = variable is null ? null : _readEnvironment(variable);
        if (string.IsNullOrEmpty(key))
        {
            throw new UpstreamCredentialException(
                $"target '{target.Id}' has no API key: environment variable '{variable}' is not set in the gateway's environment");
        }

        request.Headers.TryAddWithoutValidation(target.EffectiveApiKeyHeader, target.EffectiveApiKeyPrefix + key);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<string> EntraTokenAsync(string targetId, AzureAuthOptions auth, CancellationToken cancellationToken)
    {
        var cache = Volatile.Read(ref _entra) ?? Interlocked.CompareExchange(ref _entra, new EntraTokenCache((Func<AzureAuthOptions, TokenCredential>?)_credentialFactory), null) ?? _entra;
        return cache.GetTokenAsync(targetId, auth, cancellationToken);
    }
}
