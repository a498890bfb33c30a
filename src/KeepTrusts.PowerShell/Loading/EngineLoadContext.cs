using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace KeepTrusts.PowerShell.Loading;

/// <summary>
/// The module's own load context: the engine and everything in dependencies/ load here, so another module's
/// YamlDotNet or Azure.Core in the default context never meets ours. Framework assemblies that the running
/// runtime already has at an equal or newer version are shared with the default context instead.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private readonly string _dependencies;
    private readonly string _runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();

    public EngineLoadContext(string dependencies)
        : base("KeepTrusts", isCollectible: false)
    {
        _dependencies = dependencies;
    }

    public string DependencyDirectory => _dependencies;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var candidate = Path.Combine(_dependencies, assemblyName.Name + ".dll");
        if (!File.Exists(candidate))
        {
            return null;
        }

        var framework = Path.Combine(_runtimeDirectory, assemblyName.Name + ".dll");
        if (File.Exists(framework) && AssemblyName.GetAssemblyName(framework).Version >= AssemblyName.GetAssemblyName(candidate).Version)
        {
            return null;
        }

        return LoadFromAssemblyPath(candidate);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = Path.Combine(_dependencies, unmanagedDllName);
        return File.Exists(path) ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
