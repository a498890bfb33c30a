using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace KeepTrusts.PowerShell.Loading;

/// <summary>
/// The module's own load context: the engine and everything in dependencies/ load here, so another module's
/// YamlDotNet or Azure.Core in the default context never meets ours. Framework assemblies that the running
/// runtime already has at an equal or newer version are shared with the default context instead.
/// </summary>
/// <remarks>
/// Paths come from the engine's deps.json (AssemblyDependencyResolver), which picks the platform's build of a
/// dependency from runtimes/&lt;rid&gt;/ (ProtectedData on Windows, for example); a plain look in dependencies/ is the
/// fallback. The framework check reads the runtime directory, not the TPA list: in pwsh the TPA list is the runtime
/// plus pwsh's own files, but in other hosts it may hold another module's YamlDotNet.
/// </remarks>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private readonly string _dependencies;
    private readonly string _runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
    private readonly AssemblyDependencyResolver? _resolver;

    public EngineLoadContext(string dependencies, string engineAssemblyName)
        : base("KeepTrusts", isCollectible: false)
    {
        _dependencies = dependencies;
        var engine = Path.Combine(dependencies, engineAssemblyName + ".dll");
        try
        {
            _resolver = File.Exists(engine) ? new AssemblyDependencyResolver(engine) : null;
        }
        catch (InvalidOperationException)
        {
            // A host without hostpolicy (rare) cannot read deps.json; the directory probe still works.
            _resolver = null;
        }
    }

    public string DependencyDirectory => _dependencies;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var candidate = FindDependency(assemblyName);
        if (candidate is null)
        {
            // Not ours (System.Runtime, System.Management.Automation, ...): share the default context's.
            return null;
        }

        if (RuntimeHasAtLeast(assemblyName.Name!, candidate))
        {
            return null;
        }

        return LoadFromAssemblyPath(candidate);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver?.ResolveUnmanagedDllToPath(unmanagedDllName);
        if (path is null)
        {
            var local = Path.Combine(_dependencies, unmanagedDllName);
            path = File.Exists(local) ? local : null;
        }

        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    /// <summary>Where the module ships <paramref name="assemblyName"/>, or null when it does not.</summary>
    internal string? FindDependency(AssemblyName assemblyName)
    {
        var resolved = _resolver?.ResolveAssemblyToPath(assemblyName);
        if (resolved is not null && File.Exists(resolved))
        {
            return resolved;
        }

        var local = Path.Combine(_dependencies, assemblyName.Name + ".dll");
        return File.Exists(local) ? local : null;
    }

    private bool RuntimeHasAtLeast(string name, string candidate)
    {
        var framework = Path.Combine(_runtimeDirectory, name + ".dll");
        return File.Exists(framework) && AssemblyName.GetAssemblyName(framework).Version >= AssemblyName.GetAssemblyName(candidate).Version;
    }
}
