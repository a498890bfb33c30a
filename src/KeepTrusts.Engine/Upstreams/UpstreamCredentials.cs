using Azure.Core;
using Azure.Identity;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Upstreams;

/// <summary>
/// Puts a target's credential on an upstream request: the key from its environment variable (read per request,
/// so rotation needs no restart) in the configured header and prefix, or an Entra ID bearer token for
/// azure_auth managed_identity / default_credential, cached and refreshed five minutes before it expires.
/// </summary>
public sealed class UpstreamCredentials(Func<string, string?> readEnvironment, Func<AzureAuthOptions, TokenCredential>? credentialFactory = null)
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenCredential> _credentials = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _tokenGate = new(1, 1);

    public UpstreamCredentials()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    /// <summary>Adds the credential header; throws <see cref="UpstreamCredentialException"/> (naming the variable, never a value) when there is none.</summary>
    public async ValueTask ApplyAsync(TargetOptions target, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (target.Provider == ProviderKind.Echo)
        {
            return;
        }

        if (target.Provider == ProviderKind.AzureOpenAI && target.AzureAuth is { Type: not AzureAuthType.ApiKey } auth)
        {
            var token = await GetTokenAsync(target.Id, auth, cancellationToken).ConfigureAwait(false);
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            return;
        }

        var variable = target.EffectiveSecretEnv;
        var key = variable is null ? null : readEnvironment(variable);
        if (string.IsNullOrEmpty(key))
        {
            throw new UpstreamCredentialException(
                $"target '{target.Id}' has no API key: environment variable '{variable}' is not set in the gateway's environment");
        }

        request.Headers.TryAddWithoutValidation(target.EffectiveApiKeyHeader, target.EffectiveApiKeyPrefix + key);
    }

    private async ValueTask<string> GetTokenAsync(string targetId, AzureAuthOptions auth, CancellationToken cancellationToken)
    {
        var cacheKey = $"{auth.Type}|{auth.ClientId}|{auth.Scope}";
        lock (_tokens)
        {
            if (_tokens.TryGetValue(cacheKey, out var cached) && cached.ExpiresOn - RefreshMargin > DateTimeOffset.UtcNow)
            {
                return cached.Token;
            }
        }

        await _tokenGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_tokens)
            {
                if (_tokens.TryGetValue(cacheKey, out var cached) && cached.ExpiresOn - RefreshMargin > DateTimeOffset.UtcNow)
                {
                    return cached.Token;
                }
            }

            TokenCredential credential;
            lock (_credentials)
            {
                if (!_credentials.TryGetValue(cacheKey, out credential!))
                {
                    credential = (credentialFactory ?? CreateCredential)(auth);
                    _credentials[cacheKey] = credential;
                }
            }

            AccessToken token;
            try
            {
                token = await credential.GetTokenAsync(new TokenRequestContext([auth.Scope]), cancellationToken).ConfigureAwait(false);
            }
            catch (AuthenticationFailedException ex)
            {
                throw new UpstreamCredentialException($"target '{targetId}' could not get an Entra ID token ({auth.Type}): {FirstLine(ex.Message)}");
            }

            lock (_tokens)
            {
                _tokens[cacheKey] = new CachedToken(token.Token, token.ExpiresOn);
            }

            return token.Token;
        }
        finally
        {
            _tokenGate.Release();
        }
    }

    private static TokenCredential CreateCredential(AzureAuthOptions auth) => auth.Type switch
    {
        AzureAuthType.ManagedIdentity => auth.ClientId is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned),
        _ => new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = auth.ClientId }),
    };

    private static string FirstLine(string text)
    {
        var newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text[..newline];
    }

    private readonly record struct CachedToken(string Token, DateTimeOffset ExpiresOn);
}
