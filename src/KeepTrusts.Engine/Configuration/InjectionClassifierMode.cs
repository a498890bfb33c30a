namespace KeepTrusts.Engine.Configuration;

/// <summary><c>policy.prompt-injection.classifier</c>: whether the built-in learned layer runs beside the heuristics.</summary>
public enum InjectionClassifierMode
{
    /// <summary>The model shipped in the engine (default).</summary>
    Builtin,

    /// <summary>Heuristics only, as before the model shipped.</summary>
    Off,
}
