using KeepTrusts.Engine.Hosting;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Maps engine gateway records onto <see cref="KtGateway"/>.</summary>
internal static class GatewayMapping
{
    public static KtGateway ToKt(GatewayInstance instance) => new()
    {
        Id = instance.Id,
        Url = instance.Url,
        ProcessId = instance.ProcessId,
        PolicyConfig = instance.PolicyConfig,
        StartTime = instance.StartTime,
        Status = instance.Status,
        LogPath = instance.LogPath,
    };

    public static GatewayInstance ToEngine(KtGateway gateway) =>
        new(gateway.Id, gateway.Url, gateway.ProcessId, gateway.PolicyConfig, gateway.StartTime, gateway.LogPath);

    public static string KtPath => Path.Combine(Loading.ModuleInitializer.ModuleDirectory, "gateway", "kt.dll");

    public static IReadOnlyList<KtGateway> List() => GatewayProcesses.List().Select(ToKt).ToList();

    public static async Task<KtGateway> StopAsync(KtGateway gateway, TimeSpan timeout) =>
        ToKt(await GatewayProcesses.StopAsync(ToEngine(gateway), timeout).ConfigureAwait(false));
}
