using System.Management.Automation;
using KeepTrusts.Testing;

namespace KeepTrusts.Module.Tests;

[Collection(ModuleCollection.Name)]
public sealed class GatewayCmdletTests(ModuleFixture module)
{
    [Fact]
    public async Task Start_Get_and_Stop_KtGateway_run_a_real_gateway()
    {
        var (started, errors) = module.Invoke("Start-KtGateway -PolicyConfig $args[0] -Listen 127.0.0.1:0 -PassThru", QuickstartConfig.Isolated());
        Assert.Empty(errors);
        var gateway = Assert.Single(started);
        var id = (string)gateway.Properties["Id"].Value;
        var url = (string)gateway.Properties["Url"].Value;
        try
        {
            Assert.Equal("KeepTrusts.PowerShell.KtGateway", gateway.TypeNames[0]);
            Assert.Equal("Running", gateway.Properties["Status"].Value);
            using var http = new HttpClient();
            Assert.Contains("ready", await http.GetStringAsync(url + "/readyz"));

            var (listed, _) = module.Invoke("Get-KtGateway -Id $args[0]", id);
            Assert.Equal(url, Assert.Single(listed).Properties["Url"].Value);

            var (chat, chatErrors) = module.Invoke("Invoke-KtChat -GatewayUrl $args[0] -Model gpt-4o -Message 'through the started gateway'", url);
            Assert.Empty(chatErrors);
            Assert.Equal("through the started gateway", Assert.Single(chat).Properties["Content"].Value);

            var (whatIf, _) = module.Invoke("Get-KtGateway -Id $args[0] | Stop-KtGateway -WhatIf; Get-KtGateway -Id $args[0]", id);
            Assert.Single(whatIf);
        }
        finally
        {
            var (stopped, stopErrors) = module.Invoke("Get-KtGateway -Id $args[0] | Stop-KtGateway -PassThru -Confirm:$false", id);
            Assert.Empty(stopErrors);
            Assert.Equal("Stopped", Assert.Single(stopped).Properties["Status"].Value);
        }

        var (after, afterErrors) = module.Invoke("Get-KtGateway -Id $args[0]", id);
        Assert.Empty(after);
        Assert.Equal("GatewayNotFound,KeepTrusts.PowerShell.Commands.GetKtGatewayCommand", Assert.Single(afterErrors).FullyQualifiedErrorId);
    }

    [Fact]
    public void Start_KtGateway_refuses_an_invalid_config_listing_every_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kt-bad-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "pack: { name: x }\nproviders:\n  targets:\n    - { id: a, provider: echo, modle: m }\n");

        var error = module.InvokeExpectingTerminatingError("Start-KtGateway -PolicyConfig $args[0] -Listen 127.0.0.1:0 -PassThru", path);

        Assert.Equal("PolicyConfigInvalid,KeepTrusts.PowerShell.Commands.StartKtGatewayCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Contains("KT1002", error.Exception.Message);
        Assert.Contains("KT1003", error.Exception.Message);
        Assert.Contains($"{path}:4:", error.Exception.Message);
    }

    [Fact]
    public void Stop_KtGateway_of_an_unknown_id_is_a_not_found_error()
    {
        var (_, errors) = module.Invoke("Stop-KtGateway -Id kt-00000000 -Confirm:$false");

        var error = Assert.Single(errors);
        Assert.Equal("GatewayNotFound,KeepTrusts.PowerShell.Commands.StopKtGatewayCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }

    [Fact]
    public void Start_KtGateway_rejects_a_bad_listen_address_naming_the_grammar()
    {
        var error = module.InvokeExpectingTerminatingError("Start-KtGateway -PolicyConfig $args[0] -Listen 'localhost' -PassThru", QuickstartConfig.Isolated());

        Assert.Equal("KtInvalidListenAddress,KeepTrusts.PowerShell.Commands.StartKtGatewayCommand", error.FullyQualifiedErrorId);
        Assert.Equal("-Listen 'localhost' is not a listen address: use a port (8080), host:port (127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080) or http://host:port.", error.Exception.Message);
    }

    [Fact]
    public void A_port_in_use_is_KtPortInUse_with_one_sentence_and_the_log_in_verbose()
    {
        var config = QuickstartConfig.Isolated();
        var (started, errors) = module.Invoke("Start-KtGateway -PolicyConfig $args[0] -Listen http://127.0.0.1:0 -PassThru", config);
        Assert.Empty(errors);
        var gateway = Assert.Single(started);
        var id = (string)gateway.Properties["Id"].Value;
        var port = new Uri((string)gateway.Properties["Url"].Value).Port;
        try
        {
            var (output, _) = module.Invoke(
                "try { Start-KtGateway -PolicyConfig $args[0] -Listen $args[1] -PassThru -Verbose 4>&1 } catch { ,$PSItem }", QuickstartConfig.Isolated(), port.ToString());

            var error = output.Select(o => o.BaseObject).OfType<ErrorRecord>().Single();
            Assert.Equal("KtPortInUse,KeepTrusts.PowerShell.Commands.StartKtGatewayCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
            Assert.Equal($"Port {port} on 127.0.0.1 is already in use; listen on another port (--listen / -Listen) or stop the process that holds it.", error.Exception.Message);
            Assert.DoesNotContain("   at ", error.Exception.Message);
            Assert.Contains(output.Select(o => o.BaseObject).OfType<VerboseRecord>(), v => v.Message.Contains("already in use"));
        }
        finally
        {
            module.Invoke("Stop-KtGateway -Id $args[0] -Confirm:$false", id);
        }
    }

    [Fact]
    public async Task Get_KtGateway_shows_a_crashed_gateway_as_exited_with_a_warning()
    {
        var (started, _) = module.Invoke("Start-KtGateway -PolicyConfig $args[0] -Listen 127.0.0.1:0 -PassThru", QuickstartConfig.Isolated());
        var gateway = Assert.Single(started);
        var id = (string)gateway.Properties["Id"].Value;
        using (var process = System.Diagnostics.Process.GetProcessById((int)gateway.Properties["ProcessId"].Value))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        var (listed, _) = module.Invoke("Get-KtGateway -Id $args[0] -WarningVariable w -WarningAction SilentlyContinue; $w", id);

        var exited = Assert.Single(listed, o => o.BaseObject is not WarningRecord);
        Assert.Equal("Exited", exited.Properties["Status"].Value);
        Assert.Null(exited.Properties["ExitCode"].Value);
        Assert.NotEmpty((string[])exited.Properties["LastLogLines"].Value);
        Assert.Contains(listed.Select(o => o.BaseObject).OfType<WarningRecord>(), w => w.Message.Contains($"Gateway {id} exited"));
        var (other, _) = module.Invoke("Get-KtGateway -Id 'kt-no-such-gateway*' -WarningVariable w -WarningAction SilentlyContinue; $w");
        Assert.Empty(other); // a call that lists no gateway warns about none

        var (_, stopErrors) = module.Invoke("Stop-KtGateway -Id $args[0] -Confirm:$false", id);
        Assert.Empty(stopErrors);
        var (after, _) = module.Invoke("Get-KtGateway -Id $args[0] -ErrorAction SilentlyContinue", id);
        Assert.Empty(after);
    }
}
