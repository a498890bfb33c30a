using System.Management.Automation;

namespace KeepTrusts.Module.Tests;

[Collection(ModuleCollection.Name)]
public sealed class HelpTests(ModuleFixture module)
{
    public static IEnumerable<object[]> ExportedCmdlets() =>
        ModuleFixture.ManifestCmdlets(KeepTrusts.Testing.RepoPaths.ModuleManifest).Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void Every_exported_cmdlet_has_full_help_with_an_example(string name)
    {
        var (output, errors) = module.Invoke("Get-Help -Name $args[0] -Full", name);

        Assert.Empty(errors);
        var help = Assert.Single(output);
        var synopsis = help.Properties["Synopsis"].Value?.ToString();
        Assert.False(string.IsNullOrWhiteSpace(synopsis));
        // Without a help file, Get-Help makes the synopsis from the syntax, which starts with the command's name.
        Assert.False(synopsis!.TrimStart().StartsWith(name, StringComparison.OrdinalIgnoreCase), $"no authored help for {name}: '{synopsis}'");
        var description = help.Properties["description"]?.Value;
        Assert.NotNull(description);
        var examples = (PSObject)help.Properties["examples"].Value;
        Assert.NotNull(examples);
        var (exampleCount, _) = module.Invoke("@((Get-Help -Name $args[0] -Examples).examples.example).Count", name);
        Assert.True((int)exampleCount.Single().BaseObject >= 1);

        // Every parameter the cmdlet declares (common parameters aside) is described.
        var (parameters, _) = module.Invoke("""
            $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
            (Get-Command $args[0]).Parameters.Keys | Where-Object { $_ -notin $common }
            """, name);
        var (described, _) = module.Invoke("(Get-Help -Name $args[0] -Full).parameters.parameter | Where-Object { $_.description } | ForEach-Object { $_.name }", name);
        var describedNames = described.Select(d => d.BaseObject.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(parameters.Select(p => p.BaseObject.ToString()), p => Assert.Contains(p, describedNames));
    }
}
