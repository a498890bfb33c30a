namespace KeepTrusts.Engine.Policies.PromptInjection.Layers;

internal enum LayerOutcome
{
    Benign,
    Injection,

    /// <summary>The layer could not answer (timeout, HTTP error, model error); its on_error decides.</summary>
    Failed,
}
