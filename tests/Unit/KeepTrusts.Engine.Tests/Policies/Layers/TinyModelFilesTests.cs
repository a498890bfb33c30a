using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Policies.Layers;

/// <summary>The committed tiny model and tokenizers are exactly what the generator writes (set KT_WRITE_TINY_MODEL=1 to rewrite them).</summary>
public sealed class TinyModelFilesTests
{
    private static readonly string Source = Path.Combine(RepoPaths.Root, "tests", "Unit", "KeepTrusts.Engine.Tests", "Policies", "Layers", "TinyModel");

    [Fact]
    public void Committed_tiny_model_and_tokenizers_are_what_the_generator_writes()
    {
        if (Environment.GetEnvironmentVariable("KT_WRITE_TINY_MODEL") == "1")
        {
            TinyInjectionModel.WriteTo(Source);
        }

        Assert.Equal(TinyInjectionModel.Onnx(), File.ReadAllBytes(Path.Combine(Source, "tiny-injection.onnx")));
        Assert.Equal(TinyInjectionModel.TokenizerJson(), File.ReadAllText(Path.Combine(Source, "tokenizer.json")));
        Assert.Equal(TinyInjectionModel.VocabTxt(), File.ReadAllText(Path.Combine(Source, "vocab.txt")));
        Assert.True(new FileInfo(Path.Combine(Source, "tiny-injection.onnx")).Length < 8 * 1024, "the tiny model stays a few KB");
    }
}
