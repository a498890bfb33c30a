using System.Net;
using KeepTrusts.Testing.Dns;
using KeepTrusts.Testing.Tls;

namespace KeepTrusts.Testing.Azure;

/// <summary>One scenario's real local parts: fake ARM over HTTPS, dnsmasq, and a TLS server on the "private" address.</summary>
public sealed class PrivateEndpointLab : IAsyncDisposable
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

    /// <param name="pollsBeforeSuccess">How many polls a long-running write answers "InProgress" first (progress tests).</param>
    public static async Task<PrivateEndpointLab> StartAsync(PrivateEndpointScenario scenario, int? pollsBeforeSuccess = null)
    {
        var topology = new PrivateEndpointTopology();
        var arm = await FakeArmServer.StartAsync(topology.BuildStore(scenario));
        if (pollsBeforeSuccess is { } polls)
        {
            arm.PollsBeforeSuccess = polls;
        }

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

    public async ValueTask DisposeAsync()
    {
        await Tls.DisposeAsync();
        Dns.Dispose();
        await Arm.DisposeAsync();
    }
}
