using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Policies.Pii;

/// <summary>
/// The recognizers of every entity in <see cref="PiiEntityNames"/>. Patterns have bounded repetition and no nested
/// quantifiers, and run with the non-backtracking engine where their shape allows, so the cost stays linear in the
/// text whatever it holds. Validators (Luhn, mod-97, SSN ranges, context words) keep near-misses out.
/// </summary>
internal static class PiiRecognizers
{
    private const RegexOptions Linear = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;
    private const RegexOptions LinearIgnoreCase = Linear | RegexOptions.IgnoreCase;

    // Digit patterns are short and bounded (no nested unbounded loops), so the backtracking engine's cost is linear too,
    // and its compiled, vectorized start search is several times faster on ordinary text.
    private const RegexOptions Bounded = RegexOptions.Compiled | RegexOptions.CultureInvariant;

    private static readonly string[] KeyContext = ["key", "api-key", "apikey", "secret", "token", "azure_openai", "ocp-apim", "subscription"];
    private static readonly string[] BirthContext = ["born", "birth", "dob", "d.o.b", "birthday", "née", "né le", "geboren", "nacimiento", "nascimento", "nato il", "nata il", "nascita", "naissance", "geburt"];
    private static readonly string[] PassportContext = ["passport", "pasaporte", "passeport", "reisepass", "passaporto", "passaporte", "paspoort"];
    private static readonly string[] NationalIdContext = ["bsn", "burgerservicenummer", "social security", "national id", "national insurance", "nino", "dni", "nif", "id number", "identity number"];
    private static readonly string[] SsnContext = ["ssn", "social security", "social-security"];
    private static readonly string[] VersionContext = ["version", "build", "release", "v."];
    private static readonly string[] PhoneContext = ["phone", "call", "tel", "mobile", "cell", "fax", "whatsapp", "telefon", "téléphone", "teléfono", "telefone", "telefono", "contact", "reach", "number"];

    public static readonly IReadOnlyList<PiiRecognizer> All =
    [
        // Secrets first: they are longer and must win over the numbers and words inside them.
        new(PiiEntityNames.PrivateKey, "PRIVATE_KEY", (t, l) => t.Contains("-----BEGIN", StringComparison.Ordinal),
            new Regex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----[A-Za-z0-9+/=\r\n:,\- ]*-----END [A-Z ]*PRIVATE KEY-----", Linear)),
        new(PiiEntityNames.ConnectionString, "CONNECTION_STRING", (t, l) => t.Contains('=') && t.Contains(';'),
            new Regex(@"(?:DefaultEndpointsProtocol=https?;[^\s""']*AccountKey=[A-Za-z0-9+/=]{20,}[^\s""']*|Endpoint=sb://[^\s;""']+;SharedAccessKeyName=[^\s;""']+;SharedAccessKey=[A-Za-z0-9+/=]{20,}|(?:Server|Data Source)=[^;\r\n""']+;[^\r\n""']*(?:Password|Pwd)=[^;\s""']+)", LinearIgnoreCase)),
        new(PiiEntityNames.AzureStorageKey, "AZURE_STORAGE_KEY", (t, l) => t.Contains("==", StringComparison.Ordinal),
            new Regex(@"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==", RegexOptions.CultureInvariant)),
        new(PiiEntityNames.Jwt, "JWT", (t, l) => t.Contains("eyJ", StringComparison.Ordinal),
            new Regex(@"eyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{10,}", Linear)),
        new(PiiEntityNames.OpenAIKey, "OPENAI_API_KEY", (t, l) => t.Contains("sk-", StringComparison.Ordinal),
            new Regex(@"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}", Linear)),
        new(PiiEntityNames.AzureOpenAIKey, "AZURE_OPENAI_KEY", (t, _) => HasHexRun(t),
            new Regex(@"\b[0-9a-fA-F]{32}\b", Bounded), (text, m) => HasContext(text, m.Index, 60, KeyContext)),
        new(PiiEntityNames.Email, "EMAIL", (t, l) => t.Contains('@'),
            new Regex(@"\b[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?){0,8}\.[A-Za-z]{2,24}\b", Linear)),
        new(PiiEntityNames.Iban, "IBAN", (t, _) => HasDigit(t),
            new Regex(@"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\b", Bounded),
            (_, m) => Checksums.Iban(m.Value.Replace(" ", string.Empty, StringComparison.Ordinal))),
        new(PiiEntityNames.CreditCard, "CREDIT_CARD", (t, _) => HasDigit(t),
            new Regex(@"\b[2-6][0-9]{3}(?:[ \-]?[0-9]){9,15}\b", Bounded), (_, m) => IsCard(m.Value)),
        new(PiiEntityNames.UsSsn, "US_SSN", (t, _) => HasDigit(t),
            new Regex(@"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b|\b[0-9]{3} [0-9]{2} [0-9]{4}\b|\b[0-9]{9}\b", Bounded), IsSsn),
        new(PiiEntityNames.DateOfBirth, "DATE_OF_BIRTH", (t, l) => HasDigit(t) && PolicyPatterns.ContainsAny(l, BirthContext),
            new Regex(@"\b(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}[./\-][0-9]{1,2}[./\-][0-9]{2,4}|[0-9]{1,2}\.? (?:de )?[A-Za-zéû]{3,10}\.? (?:de )?[0-9]{4}|[A-Za-z]{3,9}\.? [0-9]{1,2},? [0-9]{4})\b", LinearIgnoreCase),
            (text, m) => HasContext(text, m.Index, 50, BirthContext)),
        new(PiiEntityNames.Passport, "PASSPORT", (t, l) => l.Contains("pass", StringComparison.Ordinal) || l.Contains("pasap", StringComparison.Ordinal) || l.Contains("pasp", StringComparison.Ordinal),
            new Regex(@"\b[A-Z0-9]{6,9}\b", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant),
            (text, m) => m.Value.Any(char.IsDigit) && HasContext(text, m.Index, 40, PassportContext)),
        new(PiiEntityNames.NationalId, "NATIONAL_ID", (t, _) => HasDigit(t),
            new Regex(@"\b[0-9]{8}[A-Za-z]\b|\b[XYZ][0-9]{7}[A-Z]\b|\b[0-9]{3}\.[0-9]{3}\.[0-9]{3}-[0-9]{2}\b|\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b|\b[0-9]{9}\b", Bounded),
            IsNationalId),
        new(PiiEntityNames.Phone, "PHONE", (t, _) => HasDigit(t),
            new Regex(@"(?:\+|\b00)[1-9][0-9]{0,3}(?:[ .\-]?\(?[0-9]{1,4}\)?){2,6}\b|\(?\b[2-9][0-9]{2}\)?[ .\-][0-9]{3}[ .\-][0-9]{4}\b|\b0[1-9][0-9]{1,3}[ \-]?[0-9]{3,4}[ \-]?[0-9]{3,4}\b|\b0[1-9](?:[ .\-][0-9]{2}){4}\b", Bounded),
            IsPhone),
        new(PiiEntityNames.IpAddress, "IP_ADDRESS", (t, l) => t.Contains('.') && HasDigit(t),
            new Regex(@"\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b", Bounded), IsIp),
        new(PiiEntityNames.IpAddress, "IP_ADDRESS", (t, _) => HasTwoColons(t),
            new Regex(@"(?<![0-9A-Fa-f:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Fa-f:])", Bounded), IsIp),
    ];

    private static bool HasDigit(ReadOnlySpan<char> text) => text.IndexOfAnyInRange('0', '9') >= 0;

    private static bool HasHexRun(ReadOnlySpan<char> text)
    {
        var run = 0;
        foreach (var c in text)
        {
            run = char.IsAsciiHexDigit(c) ? run + 1 : 0;
            if (run >= 32)
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasTwoColons(ReadOnlySpan<char> text)
    {
        var first = text.IndexOf(':');
        return first >= 0 && text[(first + 1)..].Contains(':');
    }

    // How issuers print card numbers: 4-4-4-4, 4-4-4-4-3, 4-6-5 (Amex), 4-6-4 (Diners), 4-4-4-3.
    private static readonly string[] CardGroupings = ["4444", "44443", "465", "464", "4443"];

    private static bool IsCard(string value)
    {
        var groups = value.Split([' ', '-']);
        if (groups.Length > 1 && !CardGroupings.Contains(string.Concat(groups.Select(g => g.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)))))
        {
            return false;
        }

        Span<char> digits = stackalloc char[value.Length];
        var n = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                digits[n++] = c;
            }
        }

        return n is >= 13 and <= 19 && Checksums.Luhn(digits[..n]);
    }

    private static bool IsSsn(string text, Match m)
    {
        var value = m.Value;
        if (value.Length == 9)
        {
            // Nine bare digits are an SSN only when the text says so.
            return HasContext(text, m.Index, 40, SsnContext) && Checksums.UsSsn(value[..3], value[3..5], value[5..]);
        }

        // The spaced form is common for other numbers: only with "SSN" context.
        return (value[3] == '-' || HasContext(text, m.Index, 40, SsnContext)) && Checksums.UsSsn(value[..3], value[4..6], value[7..]);
    }

    private static bool IsNationalId(string text, Match m)
    {
        var value = m.Value;
        if (value.Length == 9 && value[0] is 'X' or 'Y' or 'Z' && char.IsLetter(value[8]))
        {
            // Spanish NIE: the leading letter stands for 0, 1 or 2, then the DNI letter check.
            return Checksums.SpanishDni((value[0] - 'X').ToString(System.Globalization.CultureInfo.InvariantCulture) + value[1..]);
        }

        if (value.Length == 9 && char.IsLetter(value[8]))
        {
            return Checksums.SpanishDni(value);
        }

        if (value.Length == 14 && value[3] == '.')
        {
            return Checksums.BrazilianCpf(value.Where(char.IsAsciiDigit).ToArray());
        }

        if (value.Length == 9 && value.All(char.IsAsciiDigit))
        {
            return HasContext(text, m.Index, 40, NationalIdContext) && Checksums.DutchBsn(value);
        }

        // UK National Insurance number: the format is specific enough with context or the spaced form.
        return HasContext(text, m.Index, 40, NationalIdContext) || value.Contains(' ');
    }

    private static bool IsPhone(string text, Match m)
    {
        var digits = m.Value.Count(char.IsAsciiDigit);
        if (digits is < 7 or > 15)
        {
            return false;
        }

        var value = m.Value;
        if (value.StartsWith('+'))
        {
            return digits >= 8;
        }

        // "00" dialling prefixes look like any other digit run (account numbers, IBAN tails): context decides.
        if (value.StartsWith("00", StringComparison.Ordinal))
        {
            return digits >= 8 && HasContext(text, m.Index, 40, PhoneContext);
        }

        // National formats collide with other numbers: require a separator layout or a context word. Five pairs
        // ("01 42 68 53 00") is how France and Belgium write numbers and little else looks like it.
        var pairs = value.Split([' ', '.', '-']);
        return HasContext(text, m.Index, 40, PhoneContext) || value.Contains('(') || (value.Contains('-') && digits == 10)
            || (pairs.Length == 5 && pairs.All(p => p.Length == 2));
    }

    private static bool IsIp(string text, Match m)
    {
        var value = m.Value;
        if (value.Contains(':'))
        {
            // "std::map" has the shape but no digits and one group: an address has hex groups on both sides of "::".
            return value.Count(c => c == ':') >= 2 && (value.Contains("::", StringComparison.Ordinal) || value.Count(c => c == ':') == 7)
                && value.Any(char.IsAsciiDigit) && value.Split(':', StringSplitOptions.RemoveEmptyEntries).Length >= 2
                && value.Any(char.IsAsciiHexDigit) && IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
        }

        // A dotted quad inside a longer dotted run (10.2.3.4.5) or after "version"/"build"/"release" is a version number.
        var end = m.Index + m.Length;
        if ((end + 1 < text.Length && text[end] == '.' && char.IsAsciiDigit(text[end + 1])) ||
            (m.Index >= 2 && text[m.Index - 1] == '.' && char.IsAsciiDigit(text[m.Index - 2])) ||
            HasContext(text, m.Index, 16, VersionContext))
        {
            return false;
        }

        return value.Split('.').All(part => int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var octet) && octet <= 255 && (part.Length == 1 || part[0] != '0'));
    }

    /// <summary>Whether one of the words occurs in the <paramref name="window"/> characters before <paramref name="index"/>.</summary>
    internal static bool HasContext(string text, int index, int window, string[] words)
    {
        var start = Math.Max(0, index - window);
        var before = text.AsSpan(start, index - start);
        foreach (var word in words)
        {
            if (before.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
