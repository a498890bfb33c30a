using System.Management.Automation;
using KeepTrusts.Testing;

namespace KeepTrusts.Module.Tests;

[Collection(ModuleCollection.Name)]
public sealed class TestKtPolicyConfigTests(ModuleFixture module)
{
    private static string Temp(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kt-module-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    public static IEnumerable<object[]> Examples() =>
        Directory.GetFiles(RepoPaths.Examples, "*.yaml").Order().Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_seed_example_is_valid(string file)
    {
        var (output, errors) = module.Invoke("Test-KtPolicyConfig -Path $args[0]", Path.Combine(RepoPaths.Examples, file));

        Assert.Empty(errors);
        var result = Assert.Single(output);
        Assert.Equal("KeepTrusts.PowerShell.KtPolicyConfigTestResult", result.TypeNames[0]);
        Assert.True((bool)result.Properties["IsValid"].Value, string.Join(Environment.NewLine, (object[])result.Properties["Errors"].Value));
    }

    [Fact]
    public void Typo_and_missing_model_are_both_reported_with_line_numbers()
    {
        var path = Temp("""
            pack:
              name: t
            providers:
              targets:
                - id: a
                  provider: azure-openai
                  base_ulr: https://r.openai.azure.com
            """);

        var (output, _) = module.Invoke("Test-KtPolicyConfig -Path $args[0]", path);

        var result = Assert.Single(output);
        Assert.False((bool)result.Properties["IsValid"].Value);
        var issues = ((object[])result.Properties["Errors"].Value).Cast<object>().Select(PSObject.AsPSObject).ToList();
        var typo = Assert.Single(issues, i => (string)i.Properties["Code"].Value == "KT1002");
        Assert.Equal(7, typo.Properties["Line"].Value);
        Assert.Equal(7, typo.Properties["Column"].Value);
        Assert.Contains("did you mean 'base_url'", (string)typo.Properties["Fix"].Value);
        var missing = Assert.Single(issues, i => (string)i.Properties["FieldPath"].Value == "providers.targets[0].model");
        Assert.Equal(5, missing.Properties["Line"].Value);
        Assert.StartsWith($"{path}:7:7: error KT1002:", typo.ToString());
        var (location, _) = module.Invoke("(Test-KtPolicyConfig -Path $args[0]).Errors | Where-Object Code -eq 'KT1002' | ForEach-Object Location", path);
        Assert.Equal($"{path}:7:7", Assert.Single(location).BaseObject);
    }

    [Fact]
    public void Paths_come_from_the_pipeline_by_value()
    {
        var first = Path.Combine(RepoPaths.Examples, "02-api-key-auth.yaml");
        var second = Path.Combine(RepoPaths.Examples, "05-multi-region-failover.yaml");

        var (output, errors) = module.Invoke("$args[0], $args[1] | Test-KtPolicyConfig", first, second);

        Assert.Empty(errors);
        Assert.Equal([first, second], output.Select(o => (string)o.Properties["Path"].Value));
    }

    [Fact]
    public void Paths_come_from_the_pipeline_by_property_name()
    {
        var path = Path.Combine(RepoPaths.Examples, "02-api-key-auth.yaml");

        var (output, errors) = module.Invoke("""
            [pscustomobject]@{ FullName = $args[0] } | Test-KtPolicyConfig
            [pscustomobject]@{ LiteralPath = $args[0] } | Test-KtPolicyConfig
            """, path);

        Assert.Empty(errors);
        Assert.Equal(2, output.Count);
        Assert.All(output, o => Assert.Equal(path, o.Properties["Path"].Value));
    }

    [Fact]
    public void Wildcards_expand_with_Path_but_not_with_LiteralPath()
    {
        var (expanded, errors) = module.Invoke("Test-KtPolicyConfig -Path ([IO.Path]::Combine($args[0], '0*.yaml')) -Quiet", RepoPaths.Examples);
        var (literal, literalErrors) = module.Invoke("Test-KtPolicyConfig -LiteralPath ([IO.Path]::Combine($args[0], '0*.yaml'))", RepoPaths.Examples);

        Assert.Empty(errors);
        Assert.Equal(9, expanded.Count);
        Assert.All(expanded, o => Assert.True((bool)o.BaseObject));
        Assert.Empty(literal);
        Assert.Equal("PolicyConfigNotFound,KeepTrusts.PowerShell.Commands.TestKtPolicyConfigCommand", Assert.Single(literalErrors).FullyQualifiedErrorId);
    }

    [Fact]
    public void Quiet_returns_only_booleans()
    {
        var bad = Temp("pack: { name: x }\nproviders:\n  targets:\n    - { id: a, provider: echo }\n");

        var (output, errors) = module.Invoke("Test-KtPolicyConfig -Path $args[0], $args[1] -Quiet", Path.Combine(RepoPaths.Examples, "quickstart-echo.yaml"), bad);

        Assert.Empty(errors);
        Assert.Equal([true, false], output.Select(o => (bool)o.BaseObject));
    }

    [Fact]
    public void Missing_file_is_a_non_terminating_ObjectNotFound_error()
    {
        var (output, errors) = module.Invoke("Test-KtPolicyConfig -Path ./does-not-exist.yaml, $args[0]", Path.Combine(RepoPaths.Examples, "quickstart-echo.yaml"));

        var error = Assert.Single(errors);
        Assert.Equal("PolicyConfigNotFound,KeepTrusts.PowerShell.Commands.TestKtPolicyConfigCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("./does-not-exist.yaml", error.TargetObject);
        Assert.Single(output);
    }

    [Fact]
    public void Path_is_mandatory_and_positional()
    {
        var (positional, errors) = module.Invoke("Test-KtPolicyConfig $args[0] -Quiet", Path.Combine(RepoPaths.Examples, "quickstart-echo.yaml"));
        var (parameters, _) = module.Invoke("(Get-Command Test-KtPolicyConfig).ParameterSets | ForEach-Object { $_.Name }");

        Assert.Empty(errors);
        Assert.True((bool)Assert.Single(positional).BaseObject);
        Assert.Equal(["Path", "LiteralPath"], parameters.Select(p => p.BaseObject.ToString()));
    }
}
