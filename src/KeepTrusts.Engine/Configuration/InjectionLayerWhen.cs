namespace KeepTrusts.Engine.Configuration;

/// <summary>When an optional prompt-injection layer (model, prompt_shields) is asked.</summary>
public enum InjectionLayerWhen
{
    /// <summary>Only when the fast layers' score is in the undecided band [undecided_from, threshold).</summary>
    Undecided,

    /// <summary>On every request the fast layers did not already flag.</summary>
    Always,
}
