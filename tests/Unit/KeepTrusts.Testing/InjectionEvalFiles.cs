namespace KeepTrusts.Testing;

/// <summary>Files for the `kt eval` / Measure-KtPolicy tests: a config whose request chain is the prompt-injection policy alone.</summary>
public static class InjectionEvalFiles
{
    public const string ConfigYaml = """
        pack: { name: eval }
        policies:
          chain: [prompt-injection]
        policy:
          prompt-injection: { threshold: 0.8, action: block }
        providers:
          targets:
            - { id: e, provider: echo, model: m }
        """;

    /// <summary>Writes <paramref name="content"/> to a new temp file with the given extension.</summary>
    public static string Write(string extension, string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kt-eval-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(path, content);
        return path;
    }
}
