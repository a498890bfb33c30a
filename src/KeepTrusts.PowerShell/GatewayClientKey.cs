namespace KeepTrusts.PowerShell;

/// <summary>
/// The client key a gateway call sends, in one order for Invoke-KtChat and its -Model completion: the key given, else
/// $env:KT_API_KEY, then $env:OPENAI_API_KEY.
/// </summary>
internal static class GatewayClientKey
{
    private static readonly string[] EnvironmentVariables = ["KT_API_KEY", "OPENAI_API_KEY"];

    /// <param name="given">-ApiKey's value; null when not given.</param>
    /// <param name="fromVariable">Told the variable's name when a key comes from the environment.</param>
    public static string? Resolve(string? given, Action<string>? fromVariable = null)
    {
        if (given is not null)
        {
            return given;
        }

        foreach (var name in EnvironmentVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } key)
            {
                fromVariable?.Invoke(name);
                return key;
            }
        }

        return null;
    }
}
