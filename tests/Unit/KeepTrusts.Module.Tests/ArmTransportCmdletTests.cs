using System.Management.Automation;
using KeepTrusts.Testing.Azure;

namespace KeepTrusts.Module.Tests;

/// <summary>ARM transport failures reach scripts as KtArmUnreachable with their cause.</summary>
[Collection(ModuleCollection.Name)]
public sealed class ArmTransportCmdletTests(ModuleFixture module)
{
    [Fact]
    public async Task An_ARM_endpoint_with_an_untrusted_certificate_is_KtArmUnreachable_naming_the_certificate()
    {
        var topology = new PrivateEndpointTopology();
        await using var arm = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.NoZoneGroup));

        // No -SkipCertificateCheck: the fake's self-signed certificate is not trusted here.
        var (output, errors) = module.Invoke(
            "Repair-KtDnsZoneLink -PrivateEndpointId $args[0] -VirtualNetworkId $args[1] -AccessToken $args[2] -ArmEndpoint $args[3] -Force",
            topology.PrivateEndpointId, new[] { topology.SpokeVnetId }, PrivateEndpointScripts.Token(), arm.Endpoint);

        Assert.Empty(output);
        var error = Assert.Single(errors);
        Assert.StartsWith("KtArmUnreachable,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Contains("TLS certificate was rejected", error.Exception.Message);
        Assert.DoesNotContain("Retry failed", error.Exception.Message);
        Assert.Empty(arm.Requests);
    }
}
