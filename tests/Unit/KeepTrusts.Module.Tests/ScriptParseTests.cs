using System.Management.Automation.Language;
using KeepTrusts.Testing;

namespace KeepTrusts.Module.Tests;

/// <summary>Every PowerShell file in the repo parses, so specs and scripts cannot rot unseen on a machine without pwsh.</summary>
public sealed class ScriptParseTests
{
    public static IEnumerable<object[]> ScriptFiles() =>
        Directory.EnumerateFiles(RepoPaths.Root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".psm1", StringComparison.OrdinalIgnoreCase))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "out" or ".git"))
            .Select(f => new object[] { Path.GetRelativePath(RepoPaths.Root, f) });

    [Fact]
    public void The_repo_has_PowerShell_files_to_check()
    {
        var files = ScriptFiles().Select(f => (string)f[0]).ToList();

        Assert.Contains("KeepTrusts.psd1", files);
        Assert.Contains("build.ps1", files);
        Assert.Contains(files, f => f.StartsWith("tests" + Path.DirectorySeparatorChar + "Pester", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ScriptFiles))]
    public void Script_parses_without_errors(string relativePath)
    {
        Parser.ParseFile(Path.Combine(RepoPaths.Root, relativePath), out _, out var errors);

        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => $"{relativePath}:{e.Extent.StartLineNumber}:{e.Extent.StartColumnNumber}: {e.Message}")));
    }
}
