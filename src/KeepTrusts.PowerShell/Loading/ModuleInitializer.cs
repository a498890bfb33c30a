using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace KeepTrusts.PowerShell.Loading;

/// <summary>
/// Runs on Import-Module, before any cmdlet calls into the engine: teaches the default load context to find
/// KeepTrusts.Engine — and only it — in dependencies/, loaded into the module's own context (the PowerShell docs'
/// "resolving dependency conflicts" bridge pattern).
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    private const string EngineName = "KeepTrusts.Engine";
    private static readonly object Gate = new();
    private static EngineLoadContext? _context;

    /// <summary>The module's load context (for diagnostics and tests).</summary>
    internal static EngineLoadContext Context => _context ?? throw new InvalidOperationException("the KeepTrusts module initializer has not run");

    public void OnImport()
    {
        lock (Gate)
        {
            if (_context is not null)
            {
                return;
            }

            var moduleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
            _context = new EngineLoadContext(Path.Combine(moduleDirectory, "dependencies"));
            AssemblyLoadContext.Default.Resolving += ResolveEngine;
        }
    }

    /// <summary>Where the module's files are (gateway/kt.dll lives below it).</summary>
    internal static string ModuleDirectory => Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == EngineName && _context is { } engineContext ? engineContext.LoadFromAssemblyName(name) : null;
}
