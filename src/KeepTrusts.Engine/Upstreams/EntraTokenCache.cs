using Azure.Core;
using Azure.Identity;
using KeepTrusts.Engine.Azure;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Upstreams;

/// <summary>
/// Entra ID bearer tokens for azure_auth targets (managed identity or DefaultAzureCredential): one token source per
/// identity and scope. Made on the first such request, so Azure.Identity loads only in a gateway that has one.
/// </summary>
internal sealed class EntraTokenCache(Func<AzureAuthOptions, TokenCredential>? credentialFactory)
{
    private readonly Dictionary<string, EntraTokenSource> _sources = new(StringComparer.Ordinal);

    public async ValueTask<string> GetTokenAsync(string targetId, AzureAuthOptions auth, CancellationToken cancellationToken)
    {
        var source = SourceFor(auth);
        try
        {
            return await source.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationFailedException ex)
        {
            throw new UpstreamCredentialException($"target '{targetId}' could not get an Entra ID token ({auth.Type}): {ExceptionText.FirstLine(ex.Message)}");
        }
    }

    private EntraTokenSource SourceFor(AzureAuthOptions auth)
    {
        var key = $"{auth.Type}|{auth.ClientId}|{auth.Scope}";
        lock (_sources)
        {
            if (!_sources.TryGetValue(key, out var source))
            {
                var credential = credentialFactory is null
                    ? EntraTokenSource.CreateCredential(auth.Type == AzureAuthType.ManagedIdentity, auth.ClientId)
                    : credentialFactory(auth);
                source = new EntraTokenSource(credential, auth.Scope);
                _sources[key] = source;
            }

            return source;
        }
    }
}
