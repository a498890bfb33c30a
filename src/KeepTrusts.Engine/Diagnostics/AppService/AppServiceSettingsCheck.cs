using System.Text.Json;
using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Diagnostics.AppService;

/// <summary>
/// Gotcha 4 judged where it matters: the endpoint the app itself is configured with (app settings and connection
/// strings of the site and each slot), compared with the FQDN the private DNS zone covers. Values are never shown
/// beyond their host; Key Vault references are reported as such and never resolved.
/// </summary>
internal static class AppServiceSettingsCheck
{
    private const int SdkGotcha = 4;

    /// <summary>The settings the Azure OpenAI SDKs and LangChain read for the endpoint.</summary>
    public static readonly IReadOnlyList<string> EndpointSettings = ["AZURE_OPENAI_ENDPOINT", "OPENAI_API_BASE", "AZURE_OPENAI_API_BASE"];

    private sealed record Finding(string Where, string Setting, CheckStatus Status, string Shown, string? Problem, bool IsConnectionString);

    public static CheckResult Evaluate(PrivateEndpointCheckContext c, RemediationNames n)
    {
        const string id = PrivateEndpointCheckIds.AppServiceSettings;
        if (c.Request.AppServiceResourceId is not { } appId)
        {
            return Skipped("No -AppServiceResourceId: the app's own settings are read from ARM when it is given.");
        }

        if (c.Request.Arm is null && c.Request.ArmReader is null)
        {
            return Skipped("Needs ARM: no ARM access was configured.");
        }

        if (c.Inventory.FailureText("appSettings") is { } failure)
        {
            return Skipped("Could not read the app's settings: " + failure);
        }

        var settings = c.Inventory.AppSettings;
        if (settings?.Denied is { } denied)
        {
            return new CheckResult(id, SdkGotcha, CheckStatus.Skipped,
                $"The identity may not list the app's settings: it needs Microsoft.Web/sites/config/list/action on {ArmIds.Name(appId)} (Reader does not include it; Website Contributor does). {denied.Message}",
                [], n.AppSettingsListCommand);
        }

        if (settings is null || settings.Scopes.Count == 0)
        {
            return Skipped("The app's settings could not be read.");
        }

        var findings = settings.Scopes.SelectMany(scope => Judge(scope, c.Fqdn)).ToList();
        var evidence = findings.Select(f => new KeyValuePair<string, string>($"{f.Where}:{f.Setting}", f.Shown)).ToList();
        evidence.Add(new("read", string.Join(", ", settings.Scopes.Select(s => s.Label))
            + (settings.SlotsNotRead > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({settings.SlotsNotRead} more slot(s) not read; at most {AppServiceSettings.MaxSlots})") : string.Empty)));
        var kind = IsFunctionApp(c) ? "Function App" : "App Service";
        var name = ArmIds.Name(appId);

        var failed = findings.Where(f => f.Status == CheckStatus.Fail).ToList();
        if (failed.Count > 0)
        {
            return new CheckResult(id, SdkGotcha, CheckStatus.Fail,
                $"The {kind} {name} is configured with the wrong endpoint: {string.Join("; ", failed.Select(f => $"{f.Where} {f.Setting} {f.Problem}"))}.",
                evidence, Fix(c, failed));
        }

        var warned = findings.Where(f => f.Status == CheckStatus.Warn).ToList();
        if (warned.Count > 0)
        {
            return new CheckResult(id, SdkGotcha, CheckStatus.Warn,
                $"The {kind} {name}: {string.Join("; ", warned.Select(f => $"{f.Where} {f.Setting} {f.Problem}"))}.",
                evidence, warned.Any(f => f.Setting == "OPENAI_API_BASE") ? Fix(c, warned) : n.AppSettingsListCommand);
        }

        if (findings.Count == 0)
        {
            return new CheckResult(id, SdkGotcha, CheckStatus.Warn,
                $"None of the {kind} {name}'s settings names an Azure OpenAI endpoint ({string.Join(", ", EndpointSettings)}, or a URL under openai.azure.com in another setting or connection string), so the endpoint it calls could not be judged.",
                evidence, n.AppSettingsListCommand);
        }

        return new CheckResult(id, SdkGotcha, CheckStatus.Pass,
            $"The {kind} {name} points at https://{c.Fqdn}/ in {string.Join(", ", findings.Select(f => $"{f.Where} {f.Setting}").Distinct())}.",
            evidence, null);

        CheckResult Skipped(string why) => new(id, SdkGotcha, CheckStatus.Skipped, why, [], null);
    }

    private static IEnumerable<Finding> Judge(AppSettingsScope scope, string fqdn)
    {
        foreach (var property in Properties(scope.AppSettings))
        {
            var value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() ?? string.Empty : string.Empty;
            var named = EndpointSettings.Contains(property.Name, StringComparer.OrdinalIgnoreCase);
            if (Judge(scope.Label, property.Name, value, fqdn, named, isConnectionString: false) is { } finding)
            {
                yield return finding;
            }
        }

        foreach (var property in Properties(scope.ConnectionStrings))
        {
            var value = ((JsonElement?)property.Value).Str("value") ?? string.Empty;
            if (Judge(scope.Label, "connection string " + property.Name, value, fqdn, named: false, isConnectionString: true) is { } finding)
            {
                yield return finding;
            }
        }
    }

    private static Finding? Judge(string where, string setting, string value, string fqdn, bool named, bool isConnectionString)
    {
        if (SettingValue.IsKeyVaultReference(value))
        {
            return named
                ? new Finding(where, setting, CheckStatus.Warn, "(Key Vault reference)",
                    $"is a Key Vault reference: its value is not read here, so it is not compared with https://{fqdn}/ (check the secret holds exactly that URL)", isConnectionString)
                : null;
        }

        var url = SettingValue.FindUrl(value);
        if (url is null)
        {
            return named ? new Finding(where, setting, CheckStatus.Fail, "(not a URL)", "is not a URL", isConnectionString) : null;
        }

        var openAiLike = SettingValue.IsAzureOpenAiHost(url.Host) || (SettingValue.IsIpAddress(url.Host) && setting.Contains("OPENAI", StringComparison.OrdinalIgnoreCase));
        if (!named && !openAiLike)
        {
            return null;
        }

        var shown = SettingValue.Redact(url, value);
        if (SettingValue.IsIpAddress(url.Host))
        {
            return new Finding(where, setting, CheckStatus.Fail, shown,
                $"uses the IP address {url.Host}: TLS fails (the certificate names {fqdn}) and the private DNS zone is bypassed", isConnectionString);
        }

        if (!string.Equals(url.Host, fqdn, StringComparison.OrdinalIgnoreCase))
        {
            return new Finding(where, setting, CheckStatus.Fail, shown,
                $"points at {url.Host}, not {fqdn}: another resource or a public endpoint that bypasses this private endpoint", isConnectionString);
        }

        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return new Finding(where, setting, CheckStatus.Fail, shown, $"uses {url.Scheme}://; Azure OpenAI accepts https only", isConnectionString);
        }

        return setting.Equals("OPENAI_API_BASE", StringComparison.OrdinalIgnoreCase)
            ? new Finding(where, setting, CheckStatus.Warn, shown,
                "names the right FQDN, but the Azure SDK does not need it and some clients prefer it over AZURE_OPENAI_ENDPOINT", isConnectionString)
            : new Finding(where, setting, CheckStatus.Pass, shown, null, isConnectionString);
    }

    private static IEnumerable<JsonProperty> Properties(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Object } obj ? obj.EnumerateObject() : [];

    private static bool IsFunctionApp(PrivateEndpointCheckContext c) =>
        c.Inventory.Site.Str("kind")?.Contains("functionapp", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>One az line per scope: set the app settings that are wrong, delete OPENAI_API_BASE; connection strings are edited by hand.</summary>
    private static string Fix(PrivateEndpointCheckContext c, IReadOnlyList<Finding> findings)
    {
        var appId = c.Request.AppServiceResourceId!;
        var az = IsFunctionApp(c) ? "az functionapp" : "az webapp";
        var url = $"https://{c.Fqdn}/";
        var lines = new List<string>();
        foreach (var group in findings.GroupBy(f => f.Where))
        {
            var slot = group.Key.StartsWith("slot ", StringComparison.Ordinal) ? " --slot " + group.Key["slot ".Length..] : string.Empty;
            var target = $"--subscription {ArmIds.Subscription(appId)} --resource-group {ArmIds.ResourceGroup(appId)} --name {ArmIds.Name(appId)}{slot}";
            var set = group.Where(f => !f.IsConnectionString && !f.Setting.Equals("OPENAI_API_BASE", StringComparison.OrdinalIgnoreCase)).Select(f => $"{f.Setting}={url}").ToList();
            if (set.Count > 0)
            {
                lines.Add($"{az} config appsettings set {target} --settings {string.Join(" ", set)}");
            }

            if (group.Any(f => f.Setting.Equals("OPENAI_API_BASE", StringComparison.OrdinalIgnoreCase)))
            {
                lines.Add($"{az} config appsettings delete {target} --setting-names OPENAI_API_BASE"
                    + (set.Count == 0 && !group.Any(f => f.Setting == "AZURE_OPENAI_ENDPOINT") ? $"{Environment.NewLine}{az} config appsettings set {target} --settings AZURE_OPENAI_ENDPOINT={url}" : string.Empty));
            }

            foreach (var connection in group.Where(f => f.IsConnectionString))
            {
                lines.Add($"# {group.Key}: edit the {connection.Setting} so its endpoint is {url} (its other parts are not shown here)");
            }
        }

        return string.Join(Environment.NewLine, lines);
    }
}
