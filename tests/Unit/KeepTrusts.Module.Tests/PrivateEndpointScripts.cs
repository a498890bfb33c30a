using System.Security;
using KeepTrusts.Testing.Azure;

namespace KeepTrusts.Module.Tests;

/// <summary>The cmdlet invocations that point Test-KtPrivateEndpoint and Repair-KtDnsZoneLink at a lab's local parts.</summary>
internal static class PrivateEndpointScripts
{
    /// <summary>The fake accepts any bearer token; a real-looking one proves it never leaks into output.</summary>
    public const string TokenText = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-arm-token-for-tests";

    public static SecureString Token()
    {
        var secure = new SecureString();
        foreach (var c in TokenText)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    /// <summary>Script prefix binding the lab to Test-KtPrivateEndpoint's parameters; extra switches go after it.</summary>
    public const string TestScript =
        "Test-KtPrivateEndpoint -Endpoint $args[0] -AccountResourceId $args[1] -AppServiceResourceId $args[2] -DnsServer $args[3] " +
        "-Port $args[4] -AccessToken $args[5] -ArmEndpoint $args[6] -SkipCertificateCheck";

    public static object?[] TestArgs(this PrivateEndpointLab lab) =>
        [lab.Topology.EndpointUrl, lab.Topology.AccountId, lab.Topology.AppId, lab.Dns.Endpoint, lab.Tls.Port, Token(), lab.Arm.Endpoint];

    public const string RepairScript =
        "Repair-KtDnsZoneLink -PrivateEndpointId $args[0] -VirtualNetworkId $args[1] -ZoneResourceGroupId $args[2] " +
        "-AccessToken $args[3] -ArmEndpoint $args[4] -SkipCertificateCheck";

    public static object?[] RepairArgs(this PrivateEndpointLab lab, string? privateEndpointId = null) =>
        [privateEndpointId ?? lab.Topology.PrivateEndpointId, new[] { lab.Topology.HubVnetId, lab.Topology.SpokeVnetId }, lab.Topology.NetworkResourceGroupId, Token(), lab.Arm.Endpoint];
}
