using System.Management.Automation;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using KeepTrusts.Testing;

namespace KeepTrusts.Module.Tests;

[Collection(ModuleCollection.Name)]
public sealed class ModuleManifestTests(ModuleFixture module)
{
    [Fact]
    public void Exported_commands_are_exactly_the_manifest_list()
    {
        var (output, errors) = module.Invoke("(Get-Module KeepTrusts).ExportedCmdlets.Keys");

        Assert.Empty(errors);
        var exported = output.Select(o => o.BaseObject.ToString()!).Order().ToArray();
        Assert.Equal(ModuleFixture.ManifestCmdlets(RepoPaths.ModuleManifest).Order().ToArray(), exported);
        Assert.Contains("Test-KtPolicyConfig", exported);
    }

    [Fact]
    public void Test_ModuleManifest_passes_on_the_built_manifest()
    {
        var (output, errors) = module.Invoke("Test-ModuleManifest -Path $args[0]", RepoPaths.ModuleManifest);

        Assert.Empty(errors);
        var info = Assert.Single(output);
        Assert.Equal("KeepTrusts", info.Properties["Name"].Value);
        Assert.Equal(new Version(7, 4), info.Properties["PowerShellVersion"].Value);
    }

    [Fact]
    public void Manifest_version_comes_from_Directory_Build_props()
    {
        var props = File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        var version = Regex.Match(props, "<VersionPrefix>([^<]+)</VersionPrefix>").Groups[1].Value;

        var (output, _) = module.Invoke("(Get-Module KeepTrusts).Version.ToString()");

        Assert.Equal(version, output.Single().BaseObject);
        Assert.Contains($"ModuleVersion        = '{version}'", File.ReadAllText(Path.Combine(RepoPaths.Root, "KeepTrusts.psd1")));
    }

    [Fact]
    public void Manifest_targets_PowerShell_7_4_Core()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "KeepTrusts.psd1"));

        Assert.Contains("PowerShellVersion    = '7.4'", text);
        Assert.Contains("CompatiblePSEditions = @('Core')", text);
    }

    [Fact]
    public void Engine_loads_in_the_module_load_context_with_its_own_YamlDotNet()
    {
        var (_, errors) = module.Invoke("Test-KtPolicyConfig -Path $args[0] | Out-Null", Path.Combine(RepoPaths.Examples, "quickstart-echo.yaml"));
        Assert.Empty(errors);

        var engine = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "KeepTrusts.Engine");
        var context = AssemblyLoadContext.GetLoadContext(engine)!;
        Assert.Equal("KeepTrusts", context.Name);
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.StartsWith(Path.Combine(RepoPaths.Root, "out", "KeepTrusts", "dependencies"), engine.Location);
        var ourYaml = context.Assemblies.Single(a => a.GetName().Name == "YamlDotNet");
        Assert.Equal(16, ourYaml.GetName().Version!.Major);
        var cmdlets = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "KeepTrusts.PowerShell");
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(cmdlets));
    }

    [Fact]
    public void Module_works_when_another_YamlDotNet_was_loaded_first()
    {
        // The fixture loaded YamlDotNet 13 into the default context before importing the module.
        Assert.Equal(13, module.ForeignYamlVersion.Major);
        var defaultYaml = AssemblyLoadContext.Default.Assemblies.Single(a => a.GetName().Name == "YamlDotNet");
        Assert.Equal(module.ForeignYamlVersion, defaultYaml.GetName().Version);

        var (output, errors) = module.Invoke("Test-KtPolicyConfig -Path $args[0]", Path.Combine(RepoPaths.Examples, "01-azure-openai-gateway.yaml"));

        Assert.Empty(errors);
        Assert.True((bool)Assert.Single(output).Properties["IsValid"].Value);
    }

    [Fact]
    public void Import_takes_well_under_a_second_of_work()
    {
        // Generous bound for a loaded CI machine; the measured figure is in the README.
        Assert.True(module.ImportTime < TimeSpan.FromSeconds(5), $"Import-Module took {module.ImportTime.TotalMilliseconds:0} ms");
    }

    [Fact]
    public void No_engine_or_dependency_type_appears_in_cmdlet_parameters_or_outputs()
    {
        var (output, errors) = module.Invoke("""
            Get-Command -Module KeepTrusts | ForEach-Object {
                $_.Parameters.Values | ForEach-Object { $_.ParameterType.Assembly.GetName().Name }
                $_.OutputType | ForEach-Object { if ($_.Type) { $_.Type.Assembly.GetName().Name } }
            }
            """);

        Assert.Empty(errors);
        var assemblies = output.Select(o => o.BaseObject.ToString()).Distinct().ToArray();
        Assert.Contains("KeepTrusts.PowerShell", assemblies);
        Assert.DoesNotContain("KeepTrusts.Engine", assemblies);
        Assert.DoesNotContain(assemblies, a => a!.StartsWith("Azure", StringComparison.Ordinal) || a.StartsWith("YamlDotNet", StringComparison.Ordinal));
    }
}
