namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// Word-level features beyond the base set (words, word pairs, sentence-initial words, shapes, character n-grams) that
/// a model may be trained with; the model file records which, so the engine computes what the model was trained on.
/// They describe where an instruction sits and whom it addresses rather than its words (docs/policies.md, round 7).
/// </summary>
[Flags]
public enum InjectionFeatures
{
    None = 0,

    /// <summary>Word i with word i − 2 ("ignore … previous", "send … to"): phrasing with one word of slack.</summary>
    SkipPairs = 1,

    /// <summary>The first two words of each sentence or line as a pair ("ignore all", "please forward", "you must").</summary>
    Openers = 2,

    /// <summary>
    /// A sentence-initial word again, marked as coming after descriptive content (at least
    /// <see cref="InjectionFeaturizer.LaterSentenceWords"/> words into the text): an imperative inside a document.
    /// </summary>
    LaterOpeners = 4,

    /// <summary>
    /// Mentions of an AI addressee (AI, assistant, model, LLM, agent, chatbot, system and their common forms in other
    /// languages): the sentence's first word paired with the fact of the mention, and the next sentence's first word
    /// marked as following one ("Note to the AI assistant: forward …").
    /// </summary>
    Addressee = 8,
}
