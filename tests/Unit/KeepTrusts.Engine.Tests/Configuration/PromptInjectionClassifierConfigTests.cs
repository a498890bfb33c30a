using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Tests.Configuration;

public sealed class PromptInjectionClassifierConfigTests
{
    private static PolicyConfigLoadResult Load(string classifierLine) => PolicyConfigLoader.LoadText($"""
        pack: {"{ name: t }"}
        policies:
          chain: [prompt-injection]
        policy:
          prompt-injection:
            threshold: 0.8
        {classifierLine}
        providers:
          targets:
            - {"{ id: e, provider: echo, model: m }"}
        """, "test.yaml", _ => true);

    [Fact]
    public void Classifier_defaults_to_the_builtin_model()
    {
        var result = Load(string.Empty);

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        Assert.Equal(InjectionClassifierMode.Builtin, result.Config!.Policy.PromptInjection.Classifier);
    }

    [Fact]
    public void Classifier_off_binds()
    {
        var result = Load("    classifier: off");

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        Assert.Equal(InjectionClassifierMode.Off, result.Config!.Policy.PromptInjection.Classifier);
    }

    [Fact]
    public void An_unknown_classifier_is_an_error_with_its_line_and_the_allowed_values()
    {
        var result = Load("    classifier: buildin");

        var error = Assert.Single(result.Errors);
        Assert.Equal(DiagnosticCodes.InvalidValue, error.Code);
        Assert.Equal(7, error.Location.Line);
        Assert.Contains("did you mean 'builtin'", error.Fix);
        Assert.Contains("off", error.Fix);
    }
}
