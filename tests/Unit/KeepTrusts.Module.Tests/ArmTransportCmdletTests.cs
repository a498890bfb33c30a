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

    [Theory]
    [InlineData("management.azure.com", "is not an absolute URL")]
    [InlineData("http://127.0.0.1:1/", "uses http://; ARM takes the access token only over https")]
    public void An_ARM_endpoint_without_https_is_refused_naming_the_parameter_and_an_example(string armEndpoint, string reason)
    {
        var topology = new PrivateEndpointTopology();

        foreach (var script in new[]
        {
            "Repair-KtDnsZoneLink -PrivateEndpointId $args[0] -VirtualNetworkId $args[1] -AccessToken $args[2] -ArmEndpoint $args[3] -WhatIf",
            "Test-KtPrivateEndpoint -Endpoint https://kt.openai.azure.com/ -AccountResourceId $args[4] -AccessToken $args[2] -ArmEndpoint $args[3] -DnsServer 127.0.0.1:1",
        })
        {
            var error = module.InvokeExpectingTerminatingError(script, topology.PrivateEndpointId, new[] { topology.SpokeVnetId }, PrivateEndpointScripts.Token(), armEndpoint, topology.AccountId);

            Assert.StartsWith("ParameterArgumentValidationError,", error.FullyQualifiedErrorId);
            Assert.Contains($"-ArmEndpoint '{armEndpoint}' {reason}", error.Exception.Message);
            Assert.Contains("https://management.azure.com/", error.Exception.Message);
            Assert.DoesNotContain(PrivateEndpointScripts.TokenText, error.Exception.Message);
        }
    }
}
