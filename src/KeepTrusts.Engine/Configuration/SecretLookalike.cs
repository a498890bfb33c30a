using System.Security.Cryptography;
using System.Text;

namespace KeepTrusts.Engine.Configuration;

/// <summary>
/// Config diagnostics quote what they found, but a key pasted into the wrong field must not be printed back into a
/// terminal, a CI log or an error record. Values that look like a key are shown by length and a short hash instead, which
/// is enough to tell two values apart and to recognise one's own key, and useless to anyone reading the log.
/// </summary>
public static class SecretLookalike
{
    private static readonly string[] KnownPrefixes = ["sk-", "sk_", "pk_", "rk_", "xox", "ghp_", "gho_", "ghs_", "github_pat_", "AKIA", "AIza", "eyJ", "Bearer ", "SharedAccessSignature", "AccountKey="];

    /// <summary>
    /// True for strings shaped like credentials: known key prefixes, or 16+ characters without spaces that mix letters
    /// and digits in a long unbroken run (hex and base64 keys) and are not an environment-variable style NAME_LIKE_THIS.
    /// </summary>
    public static bool LooksLikeSecret(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (KnownPrefixes.Any(p => value.StartsWith(p, StringComparison.Ordinal)) && value.Length >= 12)
        {
            return true;
        }

        if (value.Length < 16 || value.Any(char.IsWhiteSpace) || value.Contains("://", StringComparison.Ordinal))
        {
            return false;
        }

        var digits = value.Count(char.IsAsciiDigit);
        var letters = value.Count(char.IsAsciiLetter);
        if (digits == 0 || letters == 0)
        {
            return false;
        }

        // Keys are long unbroken runs (hex, base64); model ids and deployment names are short dash-separated words.
        if (LongestRun(value) < 16)
        {
            return false;
        }

        // ENV_VAR_NAMES are upper case with underscores and few digits; keys are mixed or lower case, or digit-heavy.
        var nameLike = value.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_');
        return !nameLike || digits * 5 >= value.Length;
    }

    private static int LongestRun(string value)
    {
        int longest = 0, run = 0;
        foreach (var c in value)
        {
            run = char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '~' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }

    /// <summary>The value in quotes, or its length and hash prefix when it looks like a key.</summary>
    public static string Quote(string? value) =>
        LooksLikeSecret(value) ? Describe(value!) : $"'{value}'";

    /// <summary>"a value that looks like a key (51 characters, sha256 1a2b3c4d…)".</summary>
    public static string Describe(string value) =>
        string.Create(CultureInfo.InvariantCulture, $"a value that looks like a key ({value.Length} characters, sha256 {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..8].ToLowerInvariant()}…, not shown)");
}
