using System.Management.Automation;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>
/// -ArmEndpoint must be an absolute https URL: a bare host (management.azure.com) otherwise failed deep in the Azure SDK
/// with "not supported for a relative URI", and http with "Bearer token authentication is not permitted", neither
/// naming the parameter or the fix.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class ValidateArmEndpointAttribute : ValidateArgumentsAttribute
{
    private const string Example = "for example https://management.azure.com/ (Azure public) or https://management.usgovcloudapi.net/ (Azure Government)";

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var uri = (arguments is PSObject ps ? ps.BaseObject : arguments) as Uri;
        if (uri is null || !uri.IsAbsoluteUri)
        {
            throw new ValidationMetadataException($"-ArmEndpoint '{uri?.OriginalString ?? arguments}' is not an absolute URL. Give the ARM endpoint of your cloud with https://, {Example}.");
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ValidationMetadataException($"-ArmEndpoint '{uri.OriginalString}' uses {uri.Scheme}://; ARM takes the access token only over https. Give an https:// URL, {Example}.");
        }
    }
}
