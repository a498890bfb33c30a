using System.Net;
using KeepTrusts.Engine.Azure;
using KeepTrusts.Engine.Diagnostics;
using KeepTrusts.Testing.Azure;
using KeepTrusts.Testing.Dns;
using KeepTrusts.Testing.Tls;

namespace KeepTrusts.Engine.Tests.Diagnostics;

/// <summary>One scenario's real local parts: fake ARM over HTTPS, dnsmasq, and a TLS server on the "private" address.</summary>
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

    public static async Task<PrivateEndpointLab> StartAsync(PrivateEndpointScenario scenario)
    {
        var topology = new PrivateEndpointTopology();
        var arm = await FakeArmServer.StartAsync(topology.BuildStore(scenario));
        var dns = DnsmasqServer.Start(topology.BuildDns(scenario));
        var tls = LocalTlsServer.Start(IPAddress.Parse(topology.PrivateIp), topology.Fqdn);
        return new PrivateEndpointLab(topology, arm, dns, tls);
    }

    /// <summary>Restarts dnsmasq with answers derived from the fake ARM's current state (after a repair).</summary>
    public void ReloadDnsFromArm()
    {
        Dns.Dispose();
        Dns = DnsmasqServer.Start(Topology.BuildDns(Arm.Store));
    }

    public PrivateEndpointDiagnosticRequest Request(IReadOnlyDictionary<string, string?>? environment = null) => new()
    {
        Endpoint = Topology.EndpointUrl,
        AccountResourceId = Topology.AccountId,
        AppServiceResourceId = Topology.AppId,
        DnsServer = Dns.Endpoint,
        Port = Tls.Port,
        Arm = ArmResourcesTests.Options(Arm),
        Environment = environment ?? new Dictionary<string, string?>(),
    };

    public Task<PrivateEndpointReport> RunAsync(IReadOnlyDictionary<string, string?>? environment = null) =>
        new PrivateEndpointDiagnostics().RunAsync(Request(environment), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Tls.DisposeAsync();
        Dns.Dispose();
        await Arm.DisposeAsync();
    }
}
