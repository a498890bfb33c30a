using KeepTrusts.Engine.Azure;
using KeepTrusts.Engine.Diagnostics;
using KeepTrusts.Testing.Azure;

namespace KeepTrusts.Engine.Tests.Diagnostics;

/// <summary>The engine's view of a lab: the diagnostic request that points every check at its local parts.</summary>
internal static class PrivateEndpointLabRequests
{
    public static PrivateEndpointDiagnosticRequest Request(this PrivateEndpointLab lab, IReadOnlyDictionary<string, string?>? environment = null) => new()
    {
        Endpoint = lab.Topology.EndpointUrl,
        AccountResourceId = lab.Topology.AccountId,
        AppServiceResourceId = lab.Topology.AppId,
        DnsServer = lab.Dns.Endpoint,
        Port = lab.Tls.Port,
        Arm = ArmResourcesTests.Options(lab.Arm),
        Environment = environment ?? new Dictionary<string, string?>(),
    };

    public static Task<PrivateEndpointReport> RunAsync(this PrivateEndpointLab lab, IReadOnlyDictionary<string, string?>? environment = null) =>
        new PrivateEndpointDiagnostics().RunAsync(lab.Request(environment), CancellationToken.None);
}
