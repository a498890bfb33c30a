using System.Text.RegularExpressions;

namespace KeepTrusts.Engine.Policies.Safety;

/// <summary>
/// The built-in lexicon for hate, sexual, violence and self-harm, graded low / medium / high. High entries are
/// requests for or statements of intent to cause serious harm (instructions for weapons, threats, suicide methods,
/// sexual content involving minors, calls to violence against groups); medium entries are explicit harmful content;
/// low entries are mild mentions that only strict mode acts on.
/// </summary>
internal static class SafetyLexicon
{
    private const RegexOptions Options = RegexOptions.Compiled | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    public const string Hate = "hate";
    public const string Sexual = "sexual";
    public const string Violence = "violence";
    public const string SelfHarm = "self_harm";
    public const string Blocklist = "blocklist";

    public static readonly IReadOnlyList<SafetyRule> Rules =
    [
        new(Violence, SafetySeverity.High, new Regex(@"\bhow\s+(do\s+i|to|can\s+i)\s+(make|build|assemble|construct)\s+(a\s+|an\s+)?(pipe\s+)?(bomb|explosive|ied|molotov|nerve\s+agent|bioweapon|chemical\s+weapon)s?\b|\b(i\s+(will|am\s+going\s+to|'m\s+going\s+to|want\s+to)|let'?s)\s+(kill|murder|shoot|stab)\s+(him|her|them|you|everyone|my\s+\w+)\b|\b(plan|planning)\s+(a\s+)?(mass\s+shooting|massacre|terror(ist)?\s+attack)\b", Options, PolicyPatterns.MatchTimeout), "bomb", "explosive", "ied", "molotov", "nerve agent", "bioweapon", "chemical weapon", "kill", "murder", "shoot", "stab", "mass shooting", "massacre", "terror"),
        new(Violence, SafetySeverity.Medium, new Regex(@"\b(torture|behead|mutilate|dismember)(d|ing)?\b|\b(i\s+(will|want\s+to|am\s+going\s+to))\s+(hurt|beat|punch|strangle|attack)\s+(him|her|them|you)\b|\bgraphic(ally)?\s+(violence|gore)\b", Options, PolicyPatterns.MatchTimeout), "tortur", "behead", "mutilat", "dismember", "hurt", "beat", "punch", "strangle", "attack", "graphic"),
        // Low is what strict mode adds: words that are violent in themselves, not "kill a process" or "shoot a photo".
        new(Violence, SafetySeverity.Low, new Regex(@"\b(murder(ed|er|ing)?|stab(bed|bing)?|assault(ed)?|bloodshed|massacre|gore)\b", Options, PolicyPatterns.MatchTimeout), "murder", "stab", "assault", "bloodshed", "massacre", "gore"),
        new(SelfHarm, SafetySeverity.High, new Regex(@"\b(how\s+(to|do\s+i|can\s+i)|best\s+way\s+to|ways\s+to)\s+(kill\s+myself|commit\s+suicide|end\s+my\s+life|hang\s+myself|overdose)\b|\bhow\s+many\s+(pills|tablets)\s+(to|would|does\s+it\s+take\s+to)\s+(die|overdose|kill)\b|\bsuicide\s+(method|methods|instructions)\b", Options, PolicyPatterns.MatchTimeout), "kill myself", "suicide", "end my life", "hang myself", "overdose", "pills", "tablets"),
        new(SelfHarm, SafetySeverity.Medium, new Regex(@"\bi\s+(want|wanna|am\s+going)\s+to\s+(die|kill\s+myself|end\s+it\s+all|hurt\s+myself)\b|\b(cut|cutting|burn|burning)\s+myself\b|\bsuicidal\b", Options, PolicyPatterns.MatchTimeout), "die", "kill myself", "end it all", "hurt myself", "myself", "suicidal"),
        new(SelfHarm, SafetySeverity.Low, new Regex(@"\b(self[\s\-]?harm|suicide|overdose)\b", Options, PolicyPatterns.MatchTimeout), "self", "suicide", "overdose"),
        new(Sexual, SafetySeverity.High, new Regex(@"\b(child|children|minor|minors|underage|kid|kids|teen|\d{1,2}[\s\-]?(yo|year[\s\-]?old))\b.{0,40}\b(sex|sexual|nude|naked|porn|explicit)\b|\b(sex|sexual|nude|naked|porn|explicit)\b.{0,40}\b(child|children|minor|minors|underage|kids)\b", Options, PolicyPatterns.MatchTimeout), "sex", "nude", "naked", "porn", "explicit"),
        new(Sexual, SafetySeverity.Medium, new Regex(@"\b(porn|pornographic|explicit\s+sex|sex\s+scene|hardcore|xxx|erotic\s+story|nude\s+(photos|pics|images))\b", Options, PolicyPatterns.MatchTimeout), "porn", "explicit", "sex", "hardcore", "xxx", "erotic", "nude"),
        new(Sexual, SafetySeverity.Low, new Regex(@"\b(sexy|sensual|lingerie|nsfw|aroused|seductive)\b", Options, PolicyPatterns.MatchTimeout), "sexy", "sensual", "lingerie", "nsfw", "aroused", "seductive"),
        new(Hate, SafetySeverity.High, new Regex(@"\b(exterminate|eradicate|wipe\s+out|kill\s+all|gas\s+the|ethnic(ally)?\s+cleans(e|ing))\s+(all\s+|the\s+)?\w+\b|\b\w+\s+(should|must|deserve\s+to)\s+(all\s+)?(die|be\s+exterminated|be\s+killed|be\s+wiped\s+out)\b", Options, PolicyPatterns.MatchTimeout), "extermin", "eradicat", "wipe out", "kill all", "gas the", "cleans", "should", "must", "deserve"),
        new(Hate, SafetySeverity.Medium, new Regex(@"\b(subhuman|untermensch|inferior\s+race|master\s+race|vermin|cockroaches|parasites)\b|\bgo\s+back\s+to\s+(your|their)\s+(own\s+)?country\b", Options, PolicyPatterns.MatchTimeout), "subhuman", "untermensch", "inferior race", "master race", "vermin", "cockroach", "parasite", "go back to"),
        new(Hate, SafetySeverity.Low, new Regex(@"\b(stupid|idiot|moron|hate\s+(you|them|those))\b", Options, PolicyPatterns.MatchTimeout), "stupid", "idiot", "moron", "hate"),
    ];
}
