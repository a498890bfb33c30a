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

    [Fact]
    public void A_directory_or_a_non_file_path_is_a_clear_error_and_other_files_still_run()
    {
        var valid = Path.Combine(RepoPaths.Examples, "quickstart-echo.yaml");

        var (output, errors) = module.Invoke("Test-KtPolicyConfig -Path $args[0], Env:PATH, $args[1]", RepoPaths.Examples, valid);
        var (quiet, quietErrors) = module.Invoke("Test-KtPolicyConfig -LiteralPath $args[0] -Quiet", RepoPaths.Examples);

        Assert.Equal(valid, Assert.Single(output).Properties["Path"].Value);
        Assert.Collection(errors,
            e =>
            {
                Assert.Equal("PolicyConfigIsDirectory,KeepTrusts.PowerShell.Commands.TestKtPolicyConfigCommand", e.FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
                Assert.Contains("*.yaml", e.ErrorDetails.RecommendedAction);
            },
            e =>
            {
                Assert.Equal("PolicyConfigNotAFile,KeepTrusts.PowerShell.Commands.TestKtPolicyConfigCommand", e.FullyQualifiedErrorId);
                Assert.Equal("Env:PATH", e.TargetObject);
            });
        Assert.Empty(quietErrors);
        Assert.False((bool)Assert.Single(quiet).BaseObject);
    }

    [Fact]
    public void Wildcards_that_match_a_folder_skip_it_silently()
    {
        var dir = Directory.CreateTempSubdirectory("kt-module-");
        File.Copy(Path.Combine(RepoPaths.Examples, "quickstart-echo.yaml"), Path.Combine(dir.FullName, "a.yaml"));
        Directory.CreateDirectory(Path.Combine(dir.FullName, "b.yaml"));

        var (output, errors) = module.Invoke("Test-KtPolicyConfig -Path ([IO.Path]::Combine($args[0], '*.yaml'))", dir.FullName);

        Assert.Empty(errors);
        Assert.Equal(Path.Combine(dir.FullName, "a.yaml"), Assert.Single(output).Properties["Path"].Value);
    }

    [Fact]
    public void A_file_name_with_brackets_piped_as_FullName_is_found()
    {
        var dir = Directory.CreateTempSubdirectory("kt-module-");
        var file = Path.Combine(dir.FullName, "policy[1].yaml");
        File.Copy(Path.Combine(RepoPaths.Examples, "quickstart-echo.yaml"), file);

        var (output, errors) = module.Invoke("[pscustomobject]@{ FullName = $args[0] } | Test-KtPolicyConfig", file);

        Assert.Empty(errors);
        Assert.True((bool)Assert.Single(output).Properties["IsValid"].Value);
    }

    [Fact]
    public void An_unknown_drive_is_reported_as_not_found()
    {
        var (output, errors) = module.Invoke("Test-KtPolicyConfig -Path NoSuchDrive:/policy.yaml");

        Assert.Empty(output);
        Assert.Equal("PolicyConfigNotFound,KeepTrusts.PowerShell.Commands.TestKtPolicyConfigCommand", Assert.Single(errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void Issues_print_compiler_style()
    {
        var path = Temp("pack: { name: x }\nproviders:\n  targets:\n    - { id: a, provider: echo }\n");

        var (lines, errors) = module.Invoke("(Test-KtPolicyConfig -Path $args[0]).Errors | ForEach-Object { $_.ToString() }", path);

        Assert.Empty(errors);
        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(path)}:4:\d+: error KT\d{{4}}: .+\(at providers\.targets\[0\]", (string)Assert.Single(lines).BaseObject);
    }

    [Fact]
    public void Path_and_LiteralPath_together_do_not_bind()
    {
        var error = module.InvokeExpectingTerminatingError("Test-KtPolicyConfig -Path a.yaml -LiteralPath b.yaml");

        Assert.Equal("AmbiguousParameterSet,KeepTrusts.PowerShell.Commands.TestKtPolicyConfigCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void LiteralPath_binds_from_PSPath_and_LP_aliases()
    {
        var path = Path.Combine(RepoPaths.Examples, "02-api-key-auth.yaml");

        var (output, errors) = module.Invoke("""
            [pscustomobject]@{ PSPath = $args[0] } | Test-KtPolicyConfig -Quiet
            [pscustomobject]@{ PSPath = 'Microsoft.PowerShell.Core\FileSystem::' + $args[0] } | Test-KtPolicyConfig -Quiet
            Test-KtPolicyConfig -LP $args[0] -Quiet
            """, path);

        Assert.Empty(errors);
        Assert.Equal([true, true, true], output.Select(o => (bool)o.BaseObject));
    }

    [Fact]
    public void Broken_YAML_is_an_invalid_result_with_a_position_not_an_error_record()
    {
        var path = Temp("pack:\n  name: x\nproviders: [unclosed\n");

        var (output, errors) = module.Invoke("Test-KtPolicyConfig -Path $args[0]", path);

        Assert.Empty(errors);
        var result = Assert.Single(output);
        Assert.False((bool)result.Properties["IsValid"].Value);
        var issue = PSObject.AsPSObject(Assert.Single((object[])result.Properties["Errors"].Value));
        Assert.True((int)issue.Properties["Line"].Value > 0);
        Assert.Contains("YAML", (string)issue.Properties["Message"].Value);
    }
}
