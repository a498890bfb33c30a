using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Policies.Layers;

/// <summary>The real kt executable loads onnxruntime's native library and checks the model files in `kt config validate`.</summary>
public sealed class KtModelLayerTests : IDisposable
{
    private readonly LayerConfig _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Kt_config_validate_loads_the_model_and_reports_a_malformed_one_with_its_position()
    {
        _files.Load("model: { path: tiny-injection.onnx, tokenizer: tokenizer.json }");
        await using (var valid = KtProcess.Start(["config", "validate", _files.ConfigPath]))
        {
            Assert.Equal(0, await valid.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("valid (0 warning(s))", valid.StandardOutput);
        }

        File.WriteAllBytes(Path.Combine(_files.Directory, "truncated.onnx"), TinyInjectionModel.Onnx()[..200]);
        _files.Load("model: { path: truncated.onnx, tokenizer: tokenizer.json }");
        await using var invalid = KtProcess.Start(["config", "validate", _files.ConfigPath]);

        Assert.Equal(1, await invalid.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"{_files.ConfigPath}:6:20: error KT1014: model 'truncated.onnx' is not a valid ONNX model", invalid.StandardOutput);
    }
}
