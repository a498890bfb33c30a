using System.Collections;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using KeepTrusts.Testing;

namespace KeepTrusts.Module.Tests;

/// <summary>
/// One runspace with the built module imported, shared by the module tests (which run one at a time: a runspace
/// takes one pipeline at a time). Before the import, another YamlDotNet is loaded into the default load context,
/// as a runbook that imported powershell-yaml or Az first would have.
/// </summary>
public sealed class ModuleFixture : IDisposable
{
    public ModuleFixture()
    {
        ForeignYamlVersion = typeof(YamlDotNet.Serialization.Deserializer).Assembly.GetName().Version!;
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

    /// <summary>Runs a script (positional arguments in $args) and returns its output and non-terminating errors.</summary>
    public (List<PSObject> Output, List<ErrorRecord> Errors) Invoke(string script, params object?[] args)
    {
        using var shell = PowerShell.Create(Runspace);
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
    public static string[] ManifestCmdlets(string path)
    {
        var ast = System.Management.Automation.Language.Parser.ParseFile(path, out _, out _);
        var table = (Hashtable)((System.Management.Automation.Language.HashtableAst)ast.Find(a => a is System.Management.Automation.Language.HashtableAst, false)!).SafeGetValue();
        return ((object[])table["CmdletsToExport"]!).Cast<string>().ToArray();
    }

    public void Dispose() => Runspace.Dispose();
}
