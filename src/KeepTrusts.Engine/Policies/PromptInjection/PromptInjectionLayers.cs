using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies.PromptInjection.Layers;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>Puts the optional layers the config names (model, prompt_shields) behind the built-in prompt-injection policy; without them the built-in policy is returned as is.</summary>
internal static class PromptInjectionLayers
{
    public static IPolicy Wrap(IPolicy builtIn, PromptInjectionOptions options, string configDirectory, HttpMessageHandler? shieldsHandler = null)
    {
        if (options.Model is null && options.PromptShields is null)
        {
            return builtIn;
        }

        var layers = new List<IInjectionLayer>(2);
        try
        {
            if (options.Model is { } model)
            {
                layers.Add(new OnnxModelLayer(LoadClassifier(model, configDirectory), model));
            }

            if (options.PromptShields is { } shields)
            {
                layers.Add(new PromptShieldsLayer(shields, shieldsHandler));
            }
        }
        catch
        {
            layers.ForEach(l => l.Dispose());
            throw;
        }

        return new PromptInjectionCascade(builtIn, options, layers);
    }

    /// <summary>
    /// Loads the classifier; a file that went missing or bad since validation is reported as the config error it is,
    /// at the key's file:line:column.
    /// </summary>
    public static OnnxInjectionClassifier LoadClassifier(PromptInjectionModelOptions model, string configDirectory)
    {
        try
        {
            return OnnxInjectionClassifier.Load(model, configDirectory);
        }
        catch (InjectionModelException ex)
        {
            var diagnostic = Diagnostic(model, ex);
            throw new PolicyConfigException(new PolicyConfigLoadResult(diagnostic.Location.File, null, [diagnostic]));
        }
    }

    public static ConfigDiagnostic Diagnostic(PromptInjectionModelOptions model, InjectionModelException ex) =>
        new(DiagnosticSeverity.Error, DiagnosticCodes.ModelFileInvalid, ex.Message, model.LocationOf(ex.Key), model.PathOf(ex.Key), ex.Fix);
}
