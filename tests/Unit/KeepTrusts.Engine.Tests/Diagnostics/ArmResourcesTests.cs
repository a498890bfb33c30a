using System.Net;
using System.Security;
using KeepTrusts.Engine.Azure;
using KeepTrusts.Testing.Azure;

namespace KeepTrusts.Engine.Tests.Diagnostics;

public sealed class ArmResourcesTests
{
    internal static SecureString Token(string value = "fake-arm-token")
    {
        var secure = new SecureString();
        foreach (var c in value)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    internal static ArmConnectionOptions Options(FakeArmServer fake) => new()
    {
        ArmEndpoint = fake.Endpoint,
        AccessToken = Token(),
        SkipCertificateCheck = true,
        PollInterval = TimeSpan.FromMilliseconds(20),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task Get_reads_a_resource_with_the_pinned_api_version_and_no_provider_lookup()
    {
        var topology = new PrivateEndpointTopology();
        await using var fake = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.Healthy));
        var arm = new ArmResources(Options(fake));

        var pe = await arm.GetAsync(topology.PrivateEndpointId, CancellationToken.None);

        Assert.NotNull(pe);
        Assert.Equal(topology.PeSubnetId, pe.Value.GetProperty("properties").GetProperty("subnet").GetProperty("id").GetString());
        var request = Assert.Single(fake.Requests);
        Assert.Equal("2024-05-01", request.ApiVersion);
        Assert.True(request.HadBearerToken);
    }

    [Fact]
    public async Task Get_returns_null_for_404_and_List_reads_child_collections()
    {
        var topology = new PrivateEndpointTopology();
        await using var fake = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.ZoneLinkedToHubOnly));
        var arm = new ArmResources(Options(fake));

        Assert.Null(await arm.GetAsync(topology.SpokeLinkId, CancellationToken.None));
        var links = await arm.ListAsync(topology.ZoneId, "virtualNetworkLinks", CancellationToken.None);

        var link = Assert.Single(links);
        Assert.Equal(topology.HubVnetId, link.GetProperty("properties").GetProperty("virtualNetwork").GetProperty("id").GetString());
    }
}
