using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using KeepTrusts.Testing;

namespace KeepTrusts.Module.Tests;

/// <summary>
/// The module's own AssemblyLoadContext: the engine and what it ships load from out/KeepTrusts/dependencies/, whatever
/// other versions the default context already holds; the framework is shared where the runtime's copy is as new.
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class LoadContextTests(ModuleFixture module)
{
    private static readonly string Dependencies = Path.Combine(RepoPaths.Root, "out", "KeepTrusts", "dependencies");

    private AssemblyLoadContext ModuleContext()
    {
        // Validating a config makes the engine load (through the module initializer's Resolving hook).
        var (_, errors) = module.Invoke("Test-KtPolicyConfig -Path $args[0] -Quiet | Out-Null", Path.Combine(RepoPaths.Examples, "quickstart-echo.yaml"));
        Assert.Empty(errors);
        var engine = Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "KeepTrusts.Engine");
        return AssemblyLoadContext.GetLoadContext(engine)!;
    }

    [Fact]
    public void Older_Azure_Core_in_the_default_context_does_not_reach_the_engine()
    {
        // The fixture loaded Azure.Core 1.36 into the default context before importing the module.
        Assert.Equal(new Version(1, 36, 0, 0), module.ForeignAzureCoreVersion);
        var context = ModuleContext();

        // What the runtime does when engine code first touches an Azure type: ask the engine's context by name.
        var azureCore = context.LoadFromAssemblyName(new AssemblyName("Azure.Core"));

        Assert.Same(context, AssemblyLoadContext.GetLoadContext(azureCore));
        Assert.Equal(Path.Combine(Dependencies, "Azure.Core.dll"), azureCore.Location);
        Assert.True(azureCore.GetName().Version > module.ForeignAzureCoreVersion, $"engine got Azure.Core {azureCore.GetName().Version}");
        Assert.Contains(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "Azure.Core" && a.GetName().Version == module.ForeignAzureCoreVersion);
    }

    [Fact]
    public void Every_shipped_assembly_resolves_to_dependencies_or_to_a_framework_copy_at_least_as_new()
    {
        var context = ModuleContext();
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
        var shipped = Directory.GetFiles(Dependencies, "*.dll");
        Assert.Contains(shipped, f => Path.GetFileName(f) == "YamlDotNet.dll");

        foreach (var file in shipped)
        {
            var name = AssemblyName.GetAssemblyName(file);
            var loaded = context.LoadFromAssemblyName(new AssemblyName(name.Name!));
            var loadedName = loaded.GetName();

            if (loaded.Location == file)
            {
                Assert.Same(context, AssemblyLoadContext.GetLoadContext(loaded));
            }
            else
            {
                // Shared from the default context: only framework assemblies the running runtime has at >= our version.
                Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(loaded));
                Assert.True(File.Exists(Path.Combine(runtimeDirectory, name.Name + ".dll")), $"{name.Name} was shared but is not a framework assembly ({loaded.Location})");
                Assert.True(loadedName.Version >= name.Version, $"{name.Name}: shared {loadedName.Version} is older than shipped {name.Version}");
            }
        }
    }

    [Fact]
    public void Engine_loads_once_and_a_second_runspace_reuses_it()
    {
        ModuleContext();

        using var second = ModuleFixture.OpenRunspace();
        var (output, errors) = ModuleFixture.Invoke(second, "Test-KtPolicyConfig -Path $args[0]", Path.Combine(RepoPaths.Examples, "02-api-key-auth.yaml"));

        Assert.Empty(errors);
        Assert.True((bool)Assert.Single(output).Properties["IsValid"].Value);
        Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "KeepTrusts.Engine");
        Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "KeepTrusts.PowerShell");
    }

    [Fact]
    public void The_engine_is_not_shipped_beside_the_cmdlet_assembly()
    {
        var root = Path.Combine(RepoPaths.Root, "out", "KeepTrusts");

        Assert.True(File.Exists(Path.Combine(root, "KeepTrusts.PowerShell.dll")));
        Assert.Equal(["KeepTrusts.PowerShell.dll"], Directory.GetFiles(root, "*.dll").Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(Dependencies, "KeepTrusts.Engine.dll")));
        Assert.True(File.Exists(Path.Combine(Dependencies, "KeepTrusts.Engine.deps.json")), "the load context reads runtimes/ paths from the engine's deps.json");
    }

    [Fact]
    public void Cmdlets_and_public_types_hold_no_engine_or_dependency_types()
    {
        ModuleContext();
        var cmdletAssembly = Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "KeepTrusts.PowerShell");
        // What only the module's context can provide (framework assemblies such as System.Text.Json are shared and fine).
        var shipped = Directory.GetFiles(Dependencies, "*.dll").Select(Path.GetFileNameWithoutExtension)
            .Where(n => !File.Exists(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), n + ".dll"))).ToHashSet();
        Assert.Contains("KeepTrusts.Engine", shipped);
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

        var offenders = new List<string>();
        var cmdletTypes = cmdletAssembly.GetTypes().Where(t => typeof(System.Management.Automation.Cmdlet).IsAssignableFrom(t)).ToList();
        Assert.Contains(cmdletTypes, t => t.Name == "TestKtPolicyConfigCommand");
        foreach (var type in cmdletTypes.Concat(cmdletAssembly.GetExportedTypes()).Distinct())
        {
            var publicOnly = !typeof(System.Management.Automation.Cmdlet).IsAssignableFrom(type);
            var flags = publicOnly ? BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.DeclaredOnly : all;
            var members = type.GetFields(flags).Select(f => (f.Name, f.FieldType))
                .Concat(type.GetProperties(flags).Select(p => (p.Name, p.PropertyType)))
                // Private helper methods may take engine types: the JIT meets them only when called, after the initializer ran.
                .Concat(type.GetMethods(flags).Where(m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly)
                    .SelectMany(m => m.GetParameters().Select(p => (m.Name, p.ParameterType)).Append((m.Name, m.ReturnType))));
            foreach (var (member, memberType) in members)
            {
                var element = memberType.IsArray || memberType.IsByRef ? memberType.GetElementType()! : memberType;
                var types = element.IsGenericType ? element.GetGenericArguments().Append(element) : [element];
                offenders.AddRange(types.Where(t => shipped.Contains(t.Assembly.GetName().Name!)).Select(t => $"{type.Name}.{member}: {t.FullName}"));
            }
        }

        Assert.Empty(offenders);
    }
}
