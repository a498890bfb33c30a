using System.Net;
using System.Security;
using KeepTrusts.Testing.Azure;
using KeepTrusts.Testing.Dns;
using KeepTrusts.Testing.Tls;

namespace KeepTrusts.Module.Tests;

/// <summary>A scenario's real local parts for the cmdlets: fake ARM over HTTPS, dnsmasq, a TLS server on the endpoint's address.</summary>
internal sealed class PrivateEndpointLab : IAsyncDisposable
{
    private PrivateEndpointLab(PrivateEndpointTopology topology, FakeArmServer arm, DnsmasqServer dns, LocalTlsServer tls)
    {
        Topology = topology;
        Arm = arm;
        Dns = dns;
        Tls = tls;
    }

    public PrivateEndpointTopology Topology { get; }
    public FakeArmServer Arm { get; }
    public DnsmasqServer Dns { get; private set; }
    public LocalTlsServer Tls { get; }

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

    public static async Task<PrivateEndpointLab> StartAsync(PrivateEndpointScenario scenario)
    {
        var topology = new PrivateEndpointTopology();
        var arm = await FakeArmServer.StartAsync(topology.BuildStore(scenario));
        arm.PollsBeforeSuccess = 1;
        var dns = DnsmasqServer.Start(topology.BuildDns(scenario));
        var tls = LocalTlsServer.Start(IPAddress.Parse(topology.PrivateIp), topology.Fqdn);
        return new PrivateEndpointLab(topology, arm, dns, tls);
    }

    public void ReloadDnsFromArm()
    {
        Dns.Dispose();
        Dns = DnsmasqServer.Start(Topology.BuildDns(Arm.Store));
    }

    /// <summary>Script prefix binding the lab to Test-KtPrivateEndpoint's parameters; extra switches go after it.</summary>
    public const string TestScript =
        "Test-KtPrivateEndpoint -Endpoint $args[0] -AccountResourceId $args[1] -AppServiceResourceId $args[2] -DnsServer $args[3] " +
        "-Port $args[4] -AccessToken $args[5] -ArmEndpoint $args[6] -SkipCertificateCheck";

    public object?[] TestArgs() =>
        [Topology.EndpointUrl, Topology.AccountId, Topology.AppId, Dns.Endpoint, Tls.Port, Token(), Arm.Endpoint];

    public const string RepairScript =
        "Repair-KtDnsZoneLink -PrivateEndpointId $args[0] -VirtualNetworkId $args[1] -ZoneResourceGroupId $args[2] " +
        "-AccessToken $args[3] -ArmEndpoint $args[4] -SkipCertificateCheck";

    public object?[] RepairArgs(string? privateEndpointId = null) =>
        [privateEndpointId ?? Topology.PrivateEndpointId, new[] { Topology.HubVnetId, Topology.SpokeVnetId }, Topology.NetworkResourceGroupId, Token(), Arm.Endpoint];

    public async ValueTask DisposeAsync()
    {
        await Tls.DisposeAsync();
        Dns.Dispose();
        await Arm.DisposeAsync();
    }
}
