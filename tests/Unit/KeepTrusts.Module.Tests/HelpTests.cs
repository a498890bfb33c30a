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

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void Every_exported_cmdlet_has_a_HelpUri_to_its_section_of_the_cmdlet_reference(string name)
    {
        var (output, errors) = module.Invoke("(Get-Command -Name $args[0]).HelpUri", name);

        Assert.Empty(errors);
        var uri = Assert.Single(output).BaseObject.ToString()!;
        Assert.Equal("https://github.com/keeptrusts/keeptrusts/blob/main/docs/cmdlets.md#" + name.ToLowerInvariant(), uri);
        // The anchor exists: docs/cmdlets.md has a "## <name>" heading for it.
        var reference = File.ReadAllLines(Path.Combine(KeepTrusts.Testing.RepoPaths.Root, "docs", "cmdlets.md"));
        Assert.Contains("## " + name, reference);
    }

    [Theory]
    [InlineData("about_KeepTrusts", "Start-KtGateway")]
    [InlineData("about_KeepTrusts_PolicyConfig", "Test-KtPolicyConfig")]
    public void About_topics_ship_with_the_module(string topic, string mentions)
    {
        var (output, errors) = module.Invoke("Get-Help -Name $args[0]", topic);

        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => e.ToString())));
        var text = string.Join(Environment.NewLine, output.Select(o => o.BaseObject.ToString()));
        Assert.Contains("SHORT DESCRIPTION", text);
        Assert.Contains(mentions, text);
    }
}
