using System.Management.Automation;
using System.Security;

namespace KeepTrusts.PowerShell;

/// <summary>
/// Base of the cmdlets that talk to Azure Resource Manager: each takes a token of its own (-AccessToken, else managed
/// identity first, then the default credential chain), another ARM endpoint (sovereign clouds, local fakes), and
/// -SkipCertificateCheck for test endpoints with self-signed certificates.
/// </summary>
public abstract class KtArmCmdlet : KtCmdlet
{
    /// <summary>A bearer token for ARM (for example (Get-AzAccessToken -AsSecureString).Token); never written anywhere.</summary>
    [Parameter]
    public SecureString? AccessToken { get; set; }

    /// <summary>The ARM endpoint, for sovereign clouds (https://management.usgovcloudapi.net/ ...).</summary>
    [Parameter]
    [Commands.ValidateArmEndpoint]
    public Uri? ArmEndpoint { get; set; }

    /// <summary>Accept any TLS certificate from ARM (local test endpoints only).</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }
}
