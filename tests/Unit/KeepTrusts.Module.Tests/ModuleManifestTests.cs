using System.Management.Automation;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using KeepTrusts.Testing;
using Xunit.Abstractions;

namespace KeepTrusts.Module.Tests;

[Collection(ModuleCollection.Name)]
public sealed class ModuleManifestTests(ModuleFixture module, ITestOutputHelper log)
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
    public void Every_cmdlet_class_is_exported_and_the_list_stays_sorted()
    {
        module.Invoke("Get-Command -Module KeepTrusts | Out-Null");
        var cmdletAssembly = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "KeepTrusts.PowerShell");
        var declared = cmdletAssembly.GetTypes()
            .Select(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).OfType<CmdletAttribute>().SingleOrDefault())
            .Where(a => a is not null)
            .Select(a => $"{a!.VerbName}-{a.NounName}")
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        var listed = ModuleFixture.ManifestCmdlets(Path.Combine(RepoPaths.Root, "KeepTrusts.psd1"));

        Assert.Equal(declared, listed.Order(StringComparer.OrdinalIgnoreCase).ToArray());
        // Sorted, one per line: engineers adding cmdlets in parallel add lines that merge cleanly.
        Assert.Equal(listed.Order(StringComparer.OrdinalIgnoreCase).ToArray(), listed);
    }

    [Fact]
    public void Exported_cmdlets_use_approved_verbs_and_the_Kt_prefix()
    {
        var approved = new[] { typeof(VerbsCommon), typeof(VerbsCommunications), typeof(VerbsData), typeof(VerbsDiagnostic), typeof(VerbsLifecycle), typeof(VerbsOther), typeof(VerbsSecurity) }
            .SelectMany(t => t.GetFields()).Select(f => (string)f.GetValue(null)!).ToHashSet();

        Assert.All(ModuleFixture.ManifestCmdlets(RepoPaths.ModuleManifest), name =>
        {
            var (verb, noun) = (name.Split('-')[0], name.Split('-')[1]);
            Assert.Contains(verb, approved);
            Assert.StartsWith("Kt", noun, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Test_ModuleManifest_passes_on_the_built_manifest()
    {
        var (output, errors) = module.Invoke("Test-ModuleManifest -Path $args[0]", RepoPaths.ModuleManifest);

        Assert.Empty(errors);
        var info = Assert.Single(output);
        Assert.Equal("KeepTrusts", info.Properties["Name"].Value);
        Assert.Equal(new Version(7, 4), info.Properties["PowerShellVersion"].Value);
        Assert.Equal("https://github.com/keeptrusts/keeptrusts", info.Properties["ProjectUri"].Value?.ToString());
        Assert.Equal("https://github.com/keeptrusts/keeptrusts/blob/main/LICENSE", info.Properties["LicenseUri"].Value?.ToString());
        Assert.False(string.IsNullOrWhiteSpace(info.Properties["ReleaseNotes"].Value?.ToString()));
        Assert.False(string.IsNullOrWhiteSpace(info.Properties["HelpInfoUri"].Value?.ToString()));
        Assert.DoesNotContain("All rights reserved", info.Properties["Copyright"].Value?.ToString());
    }

    [Fact]
    public void The_module_ships_the_MIT_license()
    {
        var license = File.ReadAllText(Path.Combine(Path.GetDirectoryName(RepoPaths.ModuleManifest)!, "LICENSE"));

        Assert.StartsWith("MIT License", license);
        Assert.Equal(license, File.ReadAllText(Path.Combine(RepoPaths.Root, "LICENSE")));
    }

    [Fact]
    public void Manifest_version_comes_from_Directory_Build_props()
    {
        var props = File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        var version = Regex.Match(props, "<VersionPrefix>([^<]+)</VersionPrefix>").Groups[1].Value;
        Assert.Matches(@"^\d+\.\d+\.\d+$", version);

        var (output, _) = module.Invoke("(Get-Module KeepTrusts).Version.ToString()");

        Assert.Equal(version, output.Single().BaseObject);
        // The repo-root manifest carries the same number, so reading it without building is not misleading.
        Assert.Equal(version, ModuleFixture.ManifestValue(Path.Combine(RepoPaths.Root, "KeepTrusts.psd1"), "ModuleVersion"));
        Assert.Equal(version, ModuleFixture.ManifestValue(RepoPaths.ModuleManifest, "ModuleVersion"));
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
    public void Import_is_quick()
    {
        // Not a benchmark: a generous bound that catches an import that starts loading the engine or Azure eagerly.
        using var runspace = ModuleFixture.OpenRunspace(importModule: false);
        var warm = System.Diagnostics.Stopwatch.StartNew();
        var (_, errors) = ModuleFixture.Invoke(runspace, "Import-Module -Name $args[0] -ErrorAction Stop", RepoPaths.ModuleManifest);
        warm.Stop();

        Assert.Empty(errors);
        log.WriteLine($"Import-Module: first in process {module.ImportTime.TotalMilliseconds:0} ms; again in a new runspace {warm.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(warm.Elapsed < TimeSpan.FromSeconds(5), $"Import-Module in a new runspace took {warm.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(module.ImportTime < TimeSpan.FromSeconds(5), $"Import-Module took {module.ImportTime.TotalMilliseconds:0} ms");
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "KeepTrusts.Engine");
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
