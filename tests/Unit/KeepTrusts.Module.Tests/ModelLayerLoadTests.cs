using KeepTrusts.Testing;

namespace KeepTrusts.Module.Tests;

/// <summary>
/// The prompt-injection model layer inside the module: Test-KtPolicyConfig loads the ONNX model, so onnxruntime's
/// native library must resolve through the module's load context (deps.json → dependencies/runtimes/&lt;rid&gt;/native).
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class ModelLayerLoadTests(ModuleFixture module) : IDisposable
{
    private static readonly string TinyModel = Path.Combine(RepoPaths.Root, "tests", "Unit", "KeepTrusts.Engine.Tests", "Policies", "Layers", "TinyModel");
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kt-module-model-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteConfig(string modelFile)
    {
        Directory.CreateDirectory(_directory);
        foreach (var file in Directory.GetFiles(TinyModel))
        {
            File.Copy(file, Path.Combine(_directory, Path.GetFileName(file)), overwrite: true);
        }

        var path = Path.Combine(_directory, "policy-config.yaml");
        File.WriteAllText(path, $"""
            pack: {"{"} name: model-layer {"}"}
            policies:
              chain: [prompt-injection]
            policy:
              prompt-injection:
                model: {"{"} path: {modelFile}, tokenizer: tokenizer.json {"}"}
            providers:
              targets:
                - {"{"} id: echo, provider: echo, model: gpt-4o {"}"}
            """);
        return path;
    }

    [Fact]
    public void Test_KtPolicyConfig_loads_the_model_with_onnxruntime_from_the_modules_dependencies()
    {
        var (output, errors) = module.Invoke("Test-KtPolicyConfig -Path $args[0]", WriteConfig("tiny-injection.onnx"));

        Assert.Empty(errors);
        Assert.True((bool)Assert.Single(output).Properties["IsValid"].Value);
        var native = File.ReadAllLines("/proc/self/maps").Where(l => l.Contains("libonnxruntime", StringComparison.Ordinal)).Select(l => l[(l.IndexOf('/'))..]).Distinct().ToList();
        Assert.Contains(native, p => p.StartsWith(Path.Combine(RepoPaths.Root, "out", "KeepTrusts", "dependencies", "runtimes"), StringComparison.Ordinal));
    }

    [Fact]
    public void A_malformed_model_is_a_config_issue_with_its_position()
    {
        var path = WriteConfig("broken.onnx");
        File.WriteAllText(Path.Combine(_directory, "broken.onnx"), "not a model");

        var (output, _) = module.Invoke("Test-KtPolicyConfig -Path $args[0]", path);

        var result = Assert.Single(output);
        Assert.False((bool)result.Properties["IsValid"].Value);
        var issue = Assert.Single((object[])result.Properties["Errors"].Value);
        var properties = System.Management.Automation.PSObject.AsPSObject(issue).Properties;
        Assert.Equal("KT1014", properties["Code"].Value);
        Assert.Equal(6, properties["Line"].Value);
        Assert.Equal("policy.prompt-injection.model.path", properties["FieldPath"].Value);
    }
}
