using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Tests.Policies.Layers;

/// <summary>A policy-config file in its own temporary directory (so relative model paths resolve from it), with the tiny model beside it.</summary>
internal sealed class LayerConfig : IDisposable
{
    public LayerConfig()
    {
        Directory = Path.Combine(Path.GetTempPath(), "kt-layers-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var file in System.IO.Directory.GetFiles(TinyInjectionModel.Directory))
        {
            File.Copy(file, Path.Combine(Directory, Path.GetFileName(file)));
        }
    }

    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "policy-config.yaml");

    /// <summary>Writes a config whose prompt-injection section is <paramref name="promptInjection"/> (indented under it) and loads it.</summary>
    public PolicyConfigLoadResult Load(string promptInjection, Func<string, bool>? environmentHas = null)
    {
        var indented = string.Join("\n", promptInjection.Split('\n').Select(line => "    " + line));
        File.WriteAllText(ConfigPath, $"""
            pack: {"{"} name: layers {"}"}
            policies:
              chain: [prompt-injection]
            policy:
              prompt-injection:
            {indented}
            providers:
              targets:
                - {"{"} id: echo, provider: echo, model: gpt-4o {"}"}
            """);
        return PolicyConfigLoader.Load(ConfigPath, environmentHas ?? (_ => true));
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
