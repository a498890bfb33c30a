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
        ExitCode = instance.ExitCode,
        ExitReason = instance.ExitReason,
        LastLogLines = instance.LastLogLines?.ToArray() ?? [],
    };

    public static GatewayInstance ToEngine(KtGateway gateway) =>
        new(gateway.Id, gateway.Url, gateway.ProcessId, gateway.PolicyConfig, gateway.StartTime, gateway.LogPath) { Status = gateway.Status };

    /// <summary>The module's self-contained kt for this platform when it ships one, else gateway/kt.dll (needs dotnet).</summary>
    public static string KtPath => GatewayLauncher.Resolve(Path.Combine(Loading.ModuleInitializer.ModuleDirectory, "gateway"));

    public static IReadOnlyList<KtGateway> List() => GatewayProcesses.List().Select(ToKt).ToList();

    public static async Task<KtGateway> StopAsync(KtGateway gateway, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ToKt(await GatewayProcesses.StopAsync(ToEngine(gateway), timeout, cancellationToken: cancellationToken).ConfigureAwait(false));

    /// <summary>Null when <paramref name="listen"/> follows the one listen grammar, else one sentence with the fix.</summary>
    public static string? ListenError(string listen) => ListenAddress.TryParse(listen, out _, out var error) ? null : error;
}
