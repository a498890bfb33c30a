using System.Net;
using System.Text.RegularExpressions;

namespace KeepTrusts.Engine.Diagnostics.AppService;

/// <summary>
/// What an app setting or connection string value says about the endpoint, without keeping or showing the value:
/// a Key Vault reference, a URL (shown as scheme://host/… only), or nothing endpoint-like.
/// </summary>
internal static partial class SettingValue
{
    public static bool IsKeyVaultReference(string value) =>
        value.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first http(s) URL in the value (a plain URL, or Endpoint=… inside a connection string).</summary>
    public static Uri? FindUrl(string value)
    {
        var match = UrlPattern().Match(value);
        return match.Success && Uri.TryCreate(match.Value, UriKind.Absolute, out var uri) ? uri : null;
    }

    /// <summary>scheme://host[:port]/ followed by "…" when anything else was in the value: the host is all that is shown.</summary>
    public static string Redact(Uri url, string value)
    {
        var shown = url.GetLeftPart(UriPartial.Authority) + "/";
        return value.Trim() == shown || value.Trim() == shown.TrimEnd('/') ? shown : shown + "…";
    }

    public static bool IsAzureOpenAiHost(string host) =>
        host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".cognitiveservices.azure.com", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".api.cognitive.microsoft.com", StringComparison.OrdinalIgnoreCase)
        || host.Equals("api.openai.com", StringComparison.OrdinalIgnoreCase);

    public static bool IsIpAddress(string host) => IPAddress.TryParse(host.Trim('[', ']'), out _);

    [GeneratedRegex(@"https?://[^\s;""',]+", RegexOptions.IgnoreCase)]
    private static partial Regex UrlPattern();
}
