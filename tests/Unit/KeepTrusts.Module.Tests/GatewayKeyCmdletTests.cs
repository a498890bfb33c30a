namespace KeepTrusts.Module.Tests;

/// <summary>New-, Get- and Remove-KtGatewayKey on a real key store file, in the imported module.</summary>
[Collection(ModuleCollection.Name)]
public sealed class GatewayKeyCmdletTests(ModuleFixture module) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kt-key-cmdlets-").FullName;

    private string Store => Path.Combine(_directory, "keys.json");

    [Fact]
    public void New_shows_the_secret_once_get_lists_without_it_and_remove_revokes()
    {
        var (created, newErrors) = module.Invoke(
            "New-KtGatewayKey -Store $args[0] -Alias team-a -Model gpt-4o -RequestsPerMinute 60 -BudgetUsdPerDay 5 -ExpiresAt ([DateTimeOffset]'2030-01-31T00:00:00Z') 3>$null", Store);
        Assert.Empty(newErrors);
        var key = Assert.Single(created);
        Assert.Equal("KeepTrusts.PowerShell.KtNewGatewayKey", key.BaseObject.GetType().FullName);
        var secret = (string)key.Properties["Secret"].Value;
        Assert.StartsWith("kt-vk-", secret);
        Assert.DoesNotContain(secret, File.ReadAllText(Store));

        var (listed, listErrors) = module.Invoke("Get-KtGatewayKey -Store $args[0]", Store);
        Assert.Empty(listErrors);
        var item = Assert.Single(listed);
        Assert.Equal("KeepTrusts.PowerShell.KtGatewayKey", item.BaseObject.GetType().FullName);
        Assert.Null(item.Properties["Secret"]);
        Assert.Equal("team-a", item.Properties["Alias"].Value);
        Assert.Equal("Active", item.Properties["State"].Value);
        Assert.Equal(new[] { "gpt-4o" }, (string[])item.Properties["AllowedModels"].Value);
        Assert.Equal(5m, item.Properties["BudgetUsdPerDay"].Value);

        var (removed, removeErrors) = module.Invoke("Get-KtGatewayKey -Store $args[0] -Alias 'team-*' | Remove-KtGatewayKey -Force -PassThru", Store);
        Assert.Empty(removeErrors);
        Assert.Equal("team-a", Assert.Single(removed).Properties["Alias"].Value);
        Assert.Empty(module.Invoke("Get-KtGatewayKey -Store $args[0]", Store).Output);
    }

    [Fact]
    public void A_missing_store_is_an_error_not_an_empty_list()
    {
        var (listed, errors) = module.Invoke("Get-KtGatewayKey -Store $args[0]", Store + ".typo");

        Assert.Empty(listed);
        var error = Assert.Single(errors);
        Assert.Equal("KeyStoreNotFound,KeepTrusts.PowerShell.Commands.GetKtGatewayKeyCommand", error.FullyQualifiedErrorId);
        Assert.Contains("New-KtGatewayKey", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void WhatIf_changes_nothing()
    {
        module.Invoke("New-KtGatewayKey -Store $args[0] -Alias keep 3>$null", Store);

        var (added, _) = module.Invoke("New-KtGatewayKey -Store $args[0] -Alias other -WhatIf", Store);
        module.Invoke("Remove-KtGatewayKey -Store $args[0] -Id keep -WhatIf", Store);

        Assert.Empty(added);
        Assert.Equal("keep", Assert.Single(module.Invoke("Get-KtGatewayKey -Store $args[0]", Store).Output).Properties["Alias"].Value);
    }

    [Fact]
    public void Errors_have_specific_ids_and_say_what_to_do()
    {
        module.Invoke("New-KtGatewayKey -Store $args[0] -Alias team-a 3>$null", Store);

        var duplicate = Assert.Single(module.Invoke("New-KtGatewayKey -Store $args[0] -Alias TEAM-A 3>$null", Store).Errors);
        var missing = Assert.Single(module.Invoke("Remove-KtGatewayKey -Store $args[0] -Id nobody -Force", Store).Errors);
        var notListed = Assert.Single(module.Invoke("Get-KtGatewayKey -Store $args[0] -Alias nobody", Store).Errors);
        File.WriteAllText(Store, "{ \"version\": 1, \"keys\": [ }");
        var broken = Assert.Single(module.Invoke("Get-KtGatewayKey -Store $args[0]", Store).Errors);

        Assert.Equal("GatewayKeyExists,KeepTrusts.PowerShell.Commands.NewKtGatewayKeyCommand", duplicate.FullyQualifiedErrorId);
        Assert.Equal("GatewayKeyNotFound,KeepTrusts.PowerShell.Commands.RemoveKtGatewayKeyCommand", missing.FullyQualifiedErrorId);
        Assert.Equal("GatewayKeyNotFound,KeepTrusts.PowerShell.Commands.GetKtGatewayKeyCommand", notListed.FullyQualifiedErrorId);
        Assert.Equal("KeyStoreInvalid,KeepTrusts.PowerShell.Commands.GetKtGatewayKeyCommand", broken.FullyQualifiedErrorId);
        Assert.Contains($"{Store}:1:", broken.Exception.Message);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
