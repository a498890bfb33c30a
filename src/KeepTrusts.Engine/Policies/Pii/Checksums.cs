
namespace KeepTrusts.Engine.Policies.Pii;

/// <summary>The checks that separate real identifiers from look-alikes.</summary>
internal static class Checksums
{
    /// <summary>Luhn (payment cards).</summary>
    public static bool Luhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    /// <summary>ISO 13616 mod-97 with the country's length.</summary>
    public static bool Iban(string compact)
    {
        if (compact.Length < 15 || compact.Length > 34 || !IbanLengths.TryGetValue(compact[..2], out var length) || compact.Length != length)
        {
            return false;
        }

        var rearranged = compact[4..] + compact[..4];
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var value = char.IsDigit(c) ? c - '0' : char.IsAsciiLetterUpper(c) ? c - 'A' + 10 : -1;
            if (value < 0)
            {
                return false;
            }

            remainder = value >= 10 ? ((remainder * 100) + value) % 97 : ((remainder * 10) + value) % 97;
        }

        return remainder == 1;
    }

    /// <summary>US SSN ranges: area not 000, 666 or 900-999; group not 00; serial not 0000.</summary>
    public static bool UsSsn(string area, string group, string serial) =>
        area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000";

    /// <summary>Spanish DNI: the letter is the number mod 23 in a fixed table.</summary>
    public static bool SpanishDni(string value) =>
        value.Length == 9 && long.TryParse(value.AsSpan(0, 8), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && "TRWAGMYFPDXBNJZSQVHLCKE"[(int)(number % 23)] == char.ToUpperInvariant(value[8]);

    /// <summary>Brazilian CPF: two check digits, mod 11.</summary>
    public static bool BrazilianCpf(char[] digits)
    {
        if (digits.Length != 11 || digits.All(d => d == digits[0]))
        {
            return false;
        }

        int Check(int length)
        {
            var sum = 0;
            for (var i = 0; i < length; i++)
            {
                sum += (digits[i] - '0') * (length + 1 - i);
            }

            var rest = sum * 10 % 11;
            return rest == 10 ? 0 : rest;
        }

        return Check(9) == digits[9] - '0' && Check(10) == digits[10] - '0';
    }

    /// <summary>Dutch BSN: the 11-proof.</summary>
    public static bool DutchBsn(string digits)
    {
        if (digits.Length != 9)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (digits[i] - '0') * (9 - i);
        }

        sum -= digits[8] - '0';
        return sum % 11 == 0 && digits != "000000000";
    }

    private static readonly Dictionary<string, int> IbanLengths = new()
    {
        ["AD"] = 24, ["AE"] = 23, ["AT"] = 20, ["BE"] = 16, ["BG"] = 22, ["BH"] = 22, ["BR"] = 29, ["CH"] = 21, ["CY"] = 28, ["CZ"] = 24,
        ["DE"] = 22, ["DK"] = 18, ["EE"] = 20, ["ES"] = 24, ["FI"] = 18, ["FR"] = 27, ["GB"] = 22, ["GI"] = 23, ["GR"] = 27, ["HR"] = 21,
        ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IS"] = 26, ["IT"] = 27, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LI"] = 21, ["LT"] = 20,
        ["LU"] = 20, ["LV"] = 21, ["MC"] = 27, ["MT"] = 31, ["NL"] = 18, ["NO"] = 15, ["PL"] = 28, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24,
        ["RS"] = 22, ["SA"] = 24, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["TR"] = 26, ["UA"] = 29, ["VA"] = 22,
    };
}
