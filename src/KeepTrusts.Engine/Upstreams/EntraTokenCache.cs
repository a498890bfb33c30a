using Azure.Core;
using Azure.Identity;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Upstreams;

/// <summary>
/// Entra ID bearer tokens for azure_auth targets (managed identity or DefaultAzureCredential): one credential per
/// identity and scope, each token cached until five minutes before it expires. Made on the first such request, so
/// Azure.Identity loads only in a gateway that has one.
/// </summary>
internal sealed class EntraTokenCache(Func<AzureAuthOptions, TokenCredential>? credentialFactory)
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly Func<AzureAuthOptions, TokenCredential>? _credentialFactory = credentialFactory;
    private readonly Dictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenCredential> _credentials = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _tokenGate = new(1, 1);

    public async ValueTask<string> GetTokenAsync(string targetId, AzureAuthOptions auth, CancellationToken cancellationToken)
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
                    credential = (_credentialFactory ?? CreateCredential)(auth);
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
                throw new UpstreamCredentialException($"target '{targetId}' could not get an Entra ID token ({auth.Type}): {ExceptionText.FirstLine(ex.Message)}");
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

    private readonly record struct CachedToken(string Token, DateTimeOffset ExpiresOn);
}
