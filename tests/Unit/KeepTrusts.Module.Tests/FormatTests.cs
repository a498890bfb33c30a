using System.Management.Automation.Runspaces;
using System.Xml.Linq;
using KeepTrusts.Testing;

namespace KeepTrusts.Module.Tests;

/// <summary>The assembled KeepTrusts.Format.ps1xml loads and gives every result type a cmdlet emits a default view.</summary>
[Collection(ModuleCollection.Name)]
public sealed class FormatTests(ModuleFixture module)
{
    private static readonly string FormatFile = Path.Combine(RepoPaths.Root, "out", "KeepTrusts", "KeepTrusts.Format.ps1xml");

    [Fact]
    public void The_format_file_loads_in_PowerShell()
    {
        var exception = Record.Exception(() => new FormatTable([FormatFile]));

        Assert.Null(exception);
    }

    [Fact]
    public void Every_module_output_type_has_a_default_view()
    {
        var (output, errors) = module.Invoke("""
            Get-Command -Module KeepTrusts | ForEach-Object { $_.OutputType.Type } |
                Where-Object { $_ -and $_.Assembly.GetName().Name -eq 'KeepTrusts.PowerShell' } |
                ForEach-Object FullName
            """);
        Assert.Empty(errors);
        var outputTypes = output.Select(o => (string)o.BaseObject).Distinct().ToList();
        Assert.Contains("KeepTrusts.PowerShell.KtPolicyConfigTestResult", outputTypes);

        // A table where rows compare (results, issues); a list where one long text dominates (a chat answer).
        var views = XDocument.Load(FormatFile).Descendants("View")
            .Where(v => v.Element("TableControl") is not null || v.Element("ListControl") is not null)
            .SelectMany(v => v.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => t.Value.Trim()))
            .ToHashSet();

        Assert.All(outputTypes, t => Assert.True(views.Contains(t), $"{t} has no default view in Format/*.format.xml"));
        Assert.Contains("KeepTrusts.PowerShell.KtConfigIssue", views);
    }
}
