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

    /// <summary>A word ended: its 32-bit hash, the key of <see cref="StaticWordEmbeddings"/> (a no-op for sinks without embeddings).</summary>
    /// <param name="position">Index in the text of the word's last character.</param>
    void Word(int position, uint hash);
}
