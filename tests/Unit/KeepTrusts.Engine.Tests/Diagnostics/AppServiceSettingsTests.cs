using System.Text.Json.Nodes;
using KeepTrusts.Engine.Diagnostics;
using KeepTrusts.Testing.Azure;
using KeepTrusts.Testing.Dns;

namespace KeepTrusts.Engine.Tests.Diagnostics;

public sealed class AppServiceSettingsTests
{
    private static CheckResult Settings(PrivateEndpointReport report) => report.Checks.Single(c => c.Check == PrivateEndpointCheckIds.AppServiceSettings);

    private static string AllText(PrivateEndpointReport report) =>
        string.Join("\n", report.Checks.Select(c => $"{c.Message} {c.EvidenceText} {c.Remediation}"));

    [RequiresDnsmasqFact]
    public async Task Wrong_endpoint_in_the_apps_own_settings_fails_with_gotcha_4_showing_only_hosts()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.AppSettingsWrongEndpoint);

        var report = await lab.RunAsync();

        var check = Settings(report);
        Assert.Equal((CheckStatus.Fail, (int?)4), (check.Status, check.Gotcha));
        Assert.Contains("production AZURE_OPENAI_ENDPOINT points at eastus.api.cognitive.microsoft.com, not kt-openai-eastus.openai.azure.com", check.Message);
        Assert.Contains(check.Evidence, e => e.Key == "production:AZURE_OPENAI_ENDPOINT" && e.Value == "https://eastus.api.cognitive.microsoft.com/");
        Assert.Contains(check.Evidence, e => e.Key == "slot staging:AZURE_OPENAI_ENDPOINT" && e.Value == "https://kt-openai-eastus.openai.azure.com/");
        Assert.Contains(check.Evidence, e => e.Key == "read" && e.Value == "production, slot staging");
        Assert.Equal(
            "az webapp config appsettings set --subscription 22222222-2222-4222-8222-222222222222 --resource-group rg-app --name app-kt --settings AZURE_OPENAI_ENDPOINT=https://kt-openai-eastus.openai.azure.com/",
            check.Remediation);
        Assert.DoesNotContain(PrivateEndpointTopology.SecretText, AllText(report));
        Assert.DoesNotContain("applicationinsights", AllText(report));
        var posts = lab.Arm.Requests.Where(r => r.Method == "POST").Select(r => (r.Path, r.ApiVersion)).ToList();
        Assert.Contains((lab.Topology.AppSettingsId + "/list", "2023-12-01"), posts);
        Assert.Contains((lab.Topology.StagingSlotId + "/config/connectionstrings/list", "2023-12-01"), posts);
        Assert.Empty(lab.Arm.WriteRequests);
    }

    [RequiresDnsmasqFact]
    public async Task Key_vault_reference_is_reported_as_such_and_never_resolved_or_printed()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.AppSettingsKeyVaultReference);

        var report = await lab.RunAsync();

        var check = Settings(report);
        Assert.Equal(CheckStatus.Warn, check.Status);
        Assert.Contains("production AZURE_OPENAI_ENDPOINT is a Key Vault reference: its value is not read here", check.Message);
        Assert.Contains(check.Evidence, e => e.Key == "production:AZURE_OPENAI_ENDPOINT" && e.Value == "(Key Vault reference)");
        Assert.DoesNotContain("kv-kt", AllText(report));
        Assert.DoesNotContain(lab.Arm.Requests, r => r.Path.Contains("vault", StringComparison.OrdinalIgnoreCase));
    }

    [RequiresDnsmasqFact]
    public async Task Without_the_list_permission_the_check_is_skipped_naming_the_action_and_no_error_is_raised()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.Healthy);
        lab.Arm.AddFault(new ArmFault("POST", "Microsoft.Web/sites/config", 403));

        var report = await lab.RunAsync();

        var check = Settings(report);
        Assert.Equal(CheckStatus.Skipped, check.Status);
        Assert.Contains("needs Microsoft.Web/sites/config/list/action on app-kt", check.Message);
        Assert.StartsWith("az webapp config appsettings list", check.Remediation);
        Assert.Empty(report.ArmFailures);
    }

    [RequiresDnsmasqFact]
    public async Task Function_app_slot_and_connection_string_with_an_ip_are_judged_and_fixed_per_slot()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.Healthy);
        lab.Arm.Store.Get(lab.Topology.AppId)!["kind"] = "functionapp,linux";
        lab.Arm.Store.Get(lab.Topology.StagingSlotId + "/config/appsettings")!["properties"]!["OPENAI_API_BASE"] = "https://api.openai.com/v1";
        lab.Arm.Store.Get(lab.Topology.ConnectionStringsId)!["properties"]!["OpenAI"] = new JsonObject
        {
            ["value"] = $"Endpoint=https://10.1.2.4/;ApiKey={PrivateEndpointTopology.SecretText}",
            ["type"] = "Custom",
        };

        var report = await lab.RunAsync();

        var check = Settings(report);
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.StartsWith("The Function App app-kt is configured with the wrong endpoint", check.Message);
        Assert.Contains("production connection string OpenAI uses the IP address 10.1.2.4", check.Message);
        Assert.Contains("slot staging OPENAI_API_BASE points at api.openai.com", check.Message);
        Assert.Contains(check.Evidence, e => e.Key == "production:connection string OpenAI" && e.Value == "https://10.1.2.4/…");
        Assert.Contains("# production: edit the connection string OpenAI so its endpoint is https://kt-openai-eastus.openai.azure.com/", check.Remediation);
        Assert.Contains("az functionapp config appsettings delete --subscription 22222222-2222-4222-8222-222222222222 --resource-group rg-app --name app-kt --slot staging --setting-names OPENAI_API_BASE", check.Remediation);
        Assert.DoesNotContain(PrivateEndpointTopology.SecretText, AllText(report));
    }

    [RequiresDnsmasqFact]
    public async Task Healthy_app_settings_pass_and_the_session_sdk_check_defers_to_them()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.Healthy);

        var report = await lab.RunAsync();

        var check = Settings(report);
        Assert.Equal(CheckStatus.Pass, check.Status);
        Assert.Contains("points at https://kt-openai-eastus.openai.azure.com/ in production AZURE_OPENAI_ENDPOINT, slot staging AZURE_OPENAI_ENDPOINT", check.Message);
        var sdk = report.Checks.Single(c => c.Check == PrivateEndpointCheckIds.SdkEndpoint);
        Assert.Contains("judged by AppService.Settings", sdk.Message);
    }
}
