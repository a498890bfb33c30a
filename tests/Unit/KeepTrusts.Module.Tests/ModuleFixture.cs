using System.Collections;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using KeepTrusts.Testing;

namespace KeepTrusts.Module.Tests;

/// <summary>
/// One runspace with the built module imported, shared by the module tests (which run one at a time: a runspace
/// takes one pipeline at a time). Before the import, another YamlDotNet is loaded into the default load context,
/// and another Azure.Core, as a runbook that imported powershell-yaml or Az first would have.
/// </summary>
public sealed class ModuleFixture : IDisposable
{
    public ModuleFixture()
    {
        ForeignYamlVersion = typeof(YamlDotNet.Serialization.Deserializer).Assembly.GetName().Version!;
        ForeignAzureCoreVersion = typeof(Azure.Core.AccessToken).Assembly.GetName().Version!;
        Runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        Runspace.Open();
        var clock = Stopwatch.StartNew();
        var (_, errors) = Invoke("Import-Module -Name $args[0] -ErrorAction Stop", RepoPaths.ModuleManifest);
        ImportTime = clock.Elapsed;
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Import-Module failed: " + string.Join(Environment.NewLine, errors));
        }
    }

    public Runspace Runspace { get; }

    /// <summary>How long the first Import-Module took in this process.</summary>
    public TimeSpan ImportTime { get; }

    /// <summary>The YamlDotNet version the test process itself loaded (the "other module's").</summary>
    public Version ForeignYamlVersion { get; }

    /// <summary>The Azure.Core version the test process itself loaded (as Az.Accounts would have).</summary>
    public Version ForeignAzureCoreVersion { get; }

    /// <summary>Runs a script (positional arguments in $args) and returns its output and non-terminating errors.</summary>
    public (List<PSObject> Output, List<ErrorRecord> Errors) Invoke(string script, params object?[] args) => Invoke(Runspace, script, args);

    /// <summary>
    /// A new runspace of its own (dispose it), with the built module imported unless <paramref name="importModule"/> is
    /// false: for tests that change session state, stop a pipeline or import the module again.
    /// </summary>
    public static Runspace OpenRunspace(bool importModule = true)
    {
        var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        if (importModule)
        {
            var (_, errors) = Invoke(runspace, "Import-Module -Name $args[0] -ErrorAction Stop", RepoPaths.ModuleManifest);
            if (errors.Count > 0)
            {
                runspace.Dispose();
                throw new InvalidOperationException("Import-Module failed: " + string.Join(Environment.NewLine, errors));
            }
        }

        return runspace;
    }

    /// <summary>Runs a script in <paramref name="runspace"/> and returns its output and non-terminating errors.</summary>
    public static (List<PSObject> Output, List<ErrorRecord> Errors) Invoke(Runspace runspace, string script, params object?[] args)
    {
        using var shell = PowerShell.Create(runspace);
        shell.AddScript(script);
        foreach (var arg in args)
        {
            shell.AddArgument(arg);
        }

        var output = shell.Invoke().ToList();
        return (output, shell.Streams.Error.ToList());
    }

    /// <summary>
    /// Runs a script expecting a terminating error from a cmdlet (ThrowTerminatingError, which try/catch catches and a
    /// plain WriteError does not); returns its error record.
    /// </summary>
    public ErrorRecord InvokeExpectingTerminatingError(string script, params object?[] args)
    {
        var (output, errors) = Invoke("try { " + script + " } catch { ,$PSItem }", args);
        return output.Select(o => o.BaseObject).OfType<ErrorRecord>().FirstOrDefault()
            ?? throw new Xunit.Sdk.XunitException("expected a terminating error; errors written: " + string.Join("; ", errors));
    }

    /// <summary>The CmdletsToExport of a manifest, read with the PowerShell parser.</summary>
    public static string[] ManifestCmdlets(string path) => ((object[])ReadManifest(path)["CmdletsToExport"]!).Cast<string>().ToArray();

    /// <summary>One top-level value of a manifest, read with the PowerShell parser.</summary>
    public static object? ManifestValue(string path, string key) => ReadManifest(path)[key];

    private static Hashtable ReadManifest(string path)
    {
        var ast = System.Management.Automation.Language.Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0)
        {
            throw new InvalidOperationException($"{path} does not parse: {errors[0].Message}");
        }

        return (Hashtable)((System.Management.Automation.Language.HashtableAst)ast.Find(a => a is System.Management.Automation.Language.HashtableAst, false)!).SafeGetValue();
    }

    public void Dispose() => Runspace.Dispose();
}
