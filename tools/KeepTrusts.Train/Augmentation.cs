using System.Text.Encodings.Web;
using System.Text.Json;
using KeepTrusts.Engine.Evaluation;

namespace KeepTrusts.Train;

/// <summary>
/// Training-time texts made from the training set's own texts, deterministically (seeded): a short attack placed in a
/// benign carrier — after a benign question, inside an e-mail, a code comment, a tool result's JSON, an HTML comment or
/// between two paragraphs — teaches indirect and appended attacks; for every such text a twin with the same carrier
/// and a benign text in the attack's place is added as benign, so the carrier's own words stay neutral and the model
/// learns the instruction, not the wrapping. A payload may also lose its punctuation or sentence breaks. Each
/// augmented text remembers the samples it was made from: cross-validation trains on it only when none of them is in
/// the fold being scored, and augmented texts are never scored.
/// </summary>
internal static class Augmentation
{
    /// <summary>Attacks up to this length are payloads: short instructions, not whole jailbreak templates.</summary>
    private const int MaxPayload = 400;

    /// <summary>Benign texts up to this length are carriers and fillers, so most augmented texts fit in one window.</summary>
    private const int MaxCarrier = 600;

    private static readonly string[] Names = ["Anna", "Karim", "Li Wei", "María", "Tom", "Priya", "Olga", "Kenji"];

    /// <summary>Tool results carry their text as written (non-ASCII unescaped), as most APIs send it.</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] Separators = [" ", "\n", "\n\n", " - ", ". ", "\n---\n"];

    public static List<AugmentedSample> Create(IReadOnlyList<LabelledSample> samples, int copies, int seed)
    {
        var result = new List<AugmentedSample>();
        if (copies <= 0)
        {
            return result;
        }

        var payloads = Enumerable.Range(0, samples.Count).Where(i => samples[i].Attack && samples[i].Text.Length <= MaxPayload).ToArray();
        var carriers = Enumerable.Range(0, samples.Count).Where(i => !samples[i].Attack && samples[i].Text.Length <= MaxCarrier).ToArray();
        if (payloads.Length == 0 || carriers.Length < 2)
        {
            return result;
        }

        var random = new Random(seed);
        for (var copy = 0; copy < copies; copy++)
        {
            foreach (var payload in payloads)
            {
                var template = random.Next(Templates);
                var carrier = carriers[random.Next(carriers.Length)];
                var filler = carriers[random.Next(carriers.Length)];
                if (filler == carrier)
                {
                    continue;
                }

                var name = Names[random.Next(Names.Length)];
                var separator = Separators[random.Next(Separators.Length)];
                var attackText = Vary(samples[payload].Text.Trim(), random);
                var carrierText = samples[carrier].Text.Trim();
                var fillerText = samples[filler].Text.Trim();
                result.Add(new AugmentedSample(
                    new LabelledSample(Wrap(template, carrierText, attackText, name, separator), true, samples[payload].Source, "augmented", 0),
                    [payload, carrier]));
                result.Add(new AugmentedSample(
                    new LabelledSample(Wrap(template, carrierText, fillerText, name, separator), false, samples[filler].Source, "augmented", 0),
                    [filler, carrier]));
            }
        }

        return result;
    }

    private const int Templates = 6;

    /// <summary>The carrier with the inserted text (an attack, or for the benign twin another benign text).</summary>
    private static string Wrap(int template, string carrier, string inserted, string name, string separator) => template switch
    {
        0 => carrier + separator + inserted,
        1 => $"Subject: {FirstWords(carrier)}\nFrom: {name}\n\nHi,\n\n{carrier}\n\n{inserted}\n\nBest regards,\n{name}",
        2 => $"def handle(request):\n    # {carrier.ReplaceLineEndings(" ")}\n    # {inserted.ReplaceLineEndings(" ")}\n    return process(request)\n",
        3 => JsonSerializer.Serialize(new { results = new[] { new { title = FirstWords(carrier), snippet = carrier }, new { title = name, snippet = inserted } } }, Json),
        4 => $"<div><p>{carrier}</p><!-- {inserted} --></div>",
        _ => $"{carrier}\n\n{inserted}\n\n{carrier}",
    };

    /// <summary>Surface variants that keep the instruction: as written, without punctuation, or on one line.</summary>
    private static string Vary(string text, Random random) => random.Next(4) switch
    {
        0 => new string(text.Where(c => !char.IsPunctuation(c)).ToArray()),
        1 => text.ReplaceLineEndings(" "),
        _ => text,
    };

    private static string FirstWords(string text)
    {
        var words = text.Split((char[]?)null, 6, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Take(5));
    }
}
