using System.Runtime.InteropServices;
using System.Security;
using Azure.Core;

namespace KeepTrusts.Engine.Azure;

/// <summary>
/// Hands ARM the token the caller gave (-AccessToken). The token is read from the SecureString only when a request
/// needs it and is never stored as a string field, logged or put in an exception.
/// </summary>
internal sealed class StaticAccessTokenCredential(SecureString token) : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(Reveal(token), DateTimeOffset.UtcNow.AddMinutes(30));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));

    private static string Reveal(SecureString secure)
    {
        var pointer = IntPtr.Zero;
        try
        {
            pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
            return Marshal.PtrToStringUni(pointer) ?? string.Empty;
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }
}
