namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// Receives the hashed features <see cref="InjectionFeaturizer"/> finds: a struct implementation lets the JIT inline
/// the call, so scoring sums weights as it goes and training collects indices, with one featurizer for both.
/// </summary>
internal interface IFeatureSink
{
    /// <param name="position">Index in the text of the feature's last character (windows are cut by it).</param>
    /// <param name="index">The feature's slot in the model's weight table.</param>
    void Add(int position, int index);
}
