namespace KeepTrusts.PowerShell;

/// <summary>
/// A key New-KtGatewayKey just added, with its secret: the one time the secret is shown (the store keeps only a
/// salted hash). Hand it to the client and do not keep this object around.
/// </summary>
public sealed class KtNewGatewayKey : KtGatewayKey
{
    public string Secret { get; init; } = string.Empty;
}
