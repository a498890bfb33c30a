using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using KeepTrusts.Testing.Dns;
using KeepTrusts.Testing.Tls;

namespace KeepTrusts.Testing.Azure;

/// <summary>
/// A subscription with many Azure OpenAI accounts behind private endpoints in one hub (the seed's regional accounts),
/// sharing the private DNS zone, the hub VNet and its NSG: one fake ARM (Resource Graph included, with small pages so
/// $skipToken is followed), one dnsmasq answering every name, and a TLS listener on each endpoint's loopback address,
/// all on one port with one wildcard certificate. A few accounts are broken on purpose (see <see cref="ExpectedFailures"/>).
/// </summary>
public sealed class FleetLab : IAsyncDisposable
{
    public const string Subscription = "11111111-1111-4111-8111-111111111111";
    public const int StaleIndex = 7;
    public const int PendingIndex = 13;
    public const int NoEndpointIndex = 21;

    private readonly List<LocalTlsServer> _tls;
    private readonly X509Certificate2 _certificate;

    private FleetLab(IReadOnlyList<PrivateEndpointTopology> accounts, FakeArmServer arm, DnsmasqServer dns, List<LocalTlsServer> tls, X509Certificate2 certificate, int port)
    {
        Accounts = accounts;
        Arm = arm;
        Dns = dns;
        _tls = tls;
        _certificate = certificate;
        Port = port;
    }

    public IReadOnlyList<PrivateEndpointTopology> Accounts { get; }

    public FakeArmServer Arm { get; }

    public DnsmasqServer Dns { get; }

    /// <summary>The port every endpoint's TLS listener uses (pass as -Port).</summary>
    public int Port { get; }

    public int CompletedHandshakes => _tls.Sum(t => t.CompletedHandshakes);

    /// <summary>Accounts with an even index live in rg-ai-a, odd ones in rg-ai-b.</summary>
    public static string ResourceGroupOf(int index) => index % 2 == 0 ? "rg-ai-a" : "rg-ai-b";

    /// <summary>The failing checks each account must show, comma-separated in checklist order.</summary>
    public static string ExpectedFailures(int index) => index switch
    {
        StaleIndex => "Dns.PrivateIp,Dns.ARecord",
        PendingIndex => "PrivateEndpoint.Connection",
        NoEndpointIndex => "PrivateEndpoint.Connection",
        _ => string.Empty,
    };

    public static async Task<FleetLab> StartAsync(int accountCount, int resourceGraphPageSize = 20)
    {
        var store = new ArmResourceStore();
        var zone = new DnsmasqZone().AuthoritativeFor("openai.azure.com");
        var accounts = new List<PrivateEndpointTopology>();
        for (var i = 0; i < accountCount; i++)
        {
            var name = $"kt-fleet-{i:00}";
            var topology = new PrivateEndpointTopology
            {
                NetworkSubscription = Subscription,
                AppSubscription = "22222222-2222-4222-8222-222222222222",
                AccountName = name,
                AiResourceGroup = ResourceGroupOf(i),
                PrivateEndpointName = "pe-" + name,
                NicName = $"pe-{name}.nic.{i:0000}",
                PrivateIp = $"127.50.{i / 250}.{i % 250 + 1}",
                StaleIp = $"127.50.15.{i % 250 + 1}",
                HubAddressSpace = "127.50.0.0/16",
                PeSubnetPrefix = "127.50.0.0/20",
            };
            var scenario = i switch
            {
                StaleIndex => PrivateEndpointScenario.StaleARecord,
                PendingIndex => PrivateEndpointScenario.ConnectionPending,
                NoEndpointIndex => PrivateEndpointScenario.NoPrivateEndpoint,
                _ => PrivateEndpointScenario.Healthy,
            };
            var own = topology.BuildStore(scenario);
            foreach (var id in own.Ids)
            {
                // Shared resources (hub VNet, NSGs, zone, links) are identical in every account's store: the last one wins.
                store.Put(own.Get(id)!);
            }

            topology.AddDns(zone, own);
            accounts.Add(topology);
        }

        var arm = await FakeArmServer.StartAsync(store);
        arm.ResourceGraphPageSize = resourceGraphPageSize;
        var dns = DnsmasqServer.Start(zone);
        var certificate = TestCertificates.Create("*.openai.azure.com");
        var (tls, port) = StartListeners(accounts.Where((_, i) => i != NoEndpointIndex).Select(a => IPAddress.Parse(a.PrivateIp)).ToList(), certificate);
        return new FleetLab(accounts, arm, dns, tls, certificate, port);
    }

    private static (List<LocalTlsServer>, int) StartListeners(IReadOnlyList<IPAddress> addresses, X509Certificate2 certificate)
    {
        for (var attempt = 0; ; attempt++)
        {
            var servers = new List<LocalTlsServer>();
            try
            {
                var first = LocalTlsServer.Start(addresses[0], 0, certificate);
                servers.Add(first);
                servers.AddRange(addresses.Skip(1).Select(a => LocalTlsServer.Start(a, first.Port, certificate)));
                return (servers, first.Port);
            }
            catch (SocketException) when (attempt < 4)
            {
                // The port was taken on one of the addresses: free what was started and try another port.
                foreach (var server in servers)
                {
                    server.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _tls)
        {
            await server.DisposeAsync();
        }

        _certificate.Dispose();
        Dns.Dispose();
        await Arm.DisposeAsync();
    }
}
