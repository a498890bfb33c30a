using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using KeepTrusts.Engine.Chat;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Hosting;

namespace KeepTrusts.PowerShell.Completion;

/// <summary>
/// Where completions come from: the running gateways' instance records and the policy config given on the same line
/// (or, without one, the configs of the running gateways). Engine calls live here, never on a completer class.
/// </summary>
internal static class CompletionSources
{
    public static IEnumerable<(string Value, string Tooltip)> GatewayIds() =>
        SafeList().Select(g => (g.Id, $"{g.Status} {g.Url} {g.PolicyConfig}"));

    public static IEnumerable<(string Value, string Tooltip)> GatewayUrls() =>
        SafeList().Where(g => g.Status == "Running" && g.Url.Length > 0).Select(g => (g.Url, $"{g.Id} {g.PolicyConfig}"));

    /// <summary>How long Tab waits for a gateway's model list: long enough for a remote gateway, short enough to type on.</summary>
    public static readonly TimeSpan GatewayModelsTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// With -GatewayUrl: that gateway's GET /v1/models (any gateway, not only one Start-KtGateway started), with the key
    /// Invoke-KtChat would send; when it lists nothing, the configs of the running gateways at that URL. Otherwise the
    /// config on the line, or those of all running gateways.
    /// </summary>
    public static IEnumerable<(string Value, string Tooltip)> Models(IDictionary bound)
    {
        if (bound["PolicyConfig"] is null && GatewayUrl(bound) is { } url)
        {
            var listed = Task.Run(() => GatewayModelList.FetchAsync(url, ApiKey(bound), GatewayModelsTimeout)).GetAwaiter().GetResult();
            if (listed.Count > 0)
            {
                return listed.Select(m => (m.Id, m.Targets.Length > 0 ? "targets: " + string.Join(", ", m.Targets) : $"served by {url}"));
            }
        }

        return Targets(bound).GroupBy(t => t.Model, StringComparer.Ordinal)
            .Select(g => (g.Key, "targets: " + string.Join(", ", g.Select(t => t.Id).Distinct())));
    }

    public static IEnumerable<(string Value, string Tooltip)> TargetIds(IDictionary bound) =>
        Targets(bound).GroupBy(t => t.Id, StringComparer.Ordinal).Select(g => (g.Key, $"{g.First().Provider} {g.First().Model}"));

    /// <summary>Policy config files (*.yaml, *.yml) and folders under the path typed so far.</summary>
    public static IEnumerable<(string Value, string Tooltip)> ConfigPaths(string word)
    {
        var location = CurrentDirectory();
        var typedDirectory = Path.GetDirectoryName(word) ?? string.Empty;
        var directory = Path.IsPathRooted(typedDirectory) ? typedDirectory : Path.Combine(location, typedDirectory);
        if (!Directory.Exists(directory))
        {
            yield break;
        }

        var prefix = Path.GetFileName(word);
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.OrdinalIgnoreCase))
        {
            var name = Path.GetFileName(entry);
            var isDirectory = Directory.Exists(entry);
            if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || (!isDirectory && !(name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))))
            {
                continue;
            }

            var value = typedDirectory.Length == 0 ? (word.StartsWith("./", StringComparison.Ordinal) ? "./" + name : name) : Path.Combine(typedDirectory, name);
            yield return (isDirectory ? value + Path.DirectorySeparatorChar : value, entry);
        }
    }

    private static IEnumerable<TargetOptions> Targets(IDictionary bound)
    {
        IEnumerable<string> configs;
        if (bound["PolicyConfig"] is { } given)
        {
            var path = given is PSObject ps ? ps.BaseObject.ToString()! : given.ToString()!;
            configs = [Path.IsPathRooted(path) ? path : Path.Combine(CurrentDirectory(), path)];
        }
        else
        {
            var url = bound["GatewayUrl"]?.ToString()?.TrimEnd('/');
            configs = SafeList().Where(g => g.Status == "Running" && (url is null || string.Equals(g.Url.TrimEnd('/'), url, StringComparison.OrdinalIgnoreCase)))
                .Select(g => g.PolicyConfig).Distinct();
        }

        foreach (var config in configs)
        {
            PolicyConfigLoadResult result;
            try
            {
                result = PolicyConfigLoader.Load(config);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var target in result.Config?.Providers.Targets ?? [])
            {
                yield return target;
            }
        }
    }

    private static Uri? GatewayUrl(IDictionary bound)
    {
        var value = Unwrap(bound["GatewayUrl"]);
        return value as Uri ?? (value is string text && Uri.TryCreate(text, UriKind.Absolute, out var parsed) ? parsed : null);
    }

    /// <summary>-ApiKey on the line (text or SecureString), else the environment, as Invoke-KtChat (<see cref="GatewayClientKey"/>).</summary>
    private static string? ApiKey(IDictionary bound) => GatewayClientKey.Resolve(Unwrap(bound["ApiKey"]) switch
    {
        string key when key.Length > 0 => key,
        System.Security.SecureString secure => new System.Net.NetworkCredential(string.Empty, secure).Password,
        _ => null,
    });

    private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

    private static IReadOnlyList<GatewayInstance> SafeList()
    {
        try
        {
            return GatewayProcesses.List();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>PowerShell's current location (not the process's): a nested pipeline on the completing runspace.</summary>
    private static string CurrentDirectory()
    {
        using var shell = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
        var location = shell.AddScript("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath").Invoke().FirstOrDefault()?.BaseObject as string;
        return location ?? Environment.CurrentDirectory;
    }
}
