using Azure.Core;
using Azure.Identity;

namespace KeepTrusts.Engine.Azure;

/// <summary>
/// One credential's bearer token for one scope, reused until five minutes before it expires. Callers that find it
/// stale wait for a single fetch instead of each asking Entra ID. Used for azure_auth upstream targets and for the
/// Prompt Shields layer, so both refresh the same way.
/// </summary>
internal sealed class EntraTokenSource(TokenCredential credential, string scope) : IDisposable
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _fetchGate = new(1, 1);
    private volatile CachedToken? _token;

    /// <summary>
    /// A managed identity (user-assigned when <paramref name="clientId"/> is set) or the Azure.Identity default chain,
    /// which prefers that client id when it reaches managed identity.
    /// </summary>
    public static TokenCredential CreateCredential(bool managedIdentityOnly, string? clientId) => managedIdentityOnly
        ? new ManagedIdentityCredential(clientId is { Length: > 0 } ? ManagedIdentityId.FromUserAssignedClientId(clientId) : ManagedIdentityId.SystemAssigned)
        : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });

    /// <summary>The cached token, or a fresh one. Throws <see cref="AuthenticationFailedException"/> as the credential does.</summary>
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && IsFresh(cached))
        {
            return cached.Token;
        }

        await _fetchGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is { } again && IsFresh(again))
            {
                return again.Token;
            }

            var token = await credential.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken).ConfigureAwait(false);
            _token = new CachedToken(token.Token, token.ExpiresOn);
            return token.Token;
        }
        finally
        {
            _fetchGate.Release();
        }
    }

    public void Dispose() => _fetchGate.Dispose();

    private static bool IsFresh(CachedToken token) => token.ExpiresOn - RefreshMargin > DateTimeOffset.UtcNow;

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresOn);
}
