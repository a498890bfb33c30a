namespace KeepTrusts.Engine.Gateway;

/// <summary>An enum's names in lower case, made once per type instead of on every request (ToString().ToLowerInvariant()).</summary>
internal static class LowerCaseNames<T>
    where T : struct, Enum
{
    private static readonly Dictionary<T, string> Names = Enum.GetValues<T>().Distinct().ToDictionary(v => v, v => v.ToString().ToLowerInvariant());

    public static string Of(T value) => Names.TryGetValue(value, out var name) ? name : value.ToString().ToLowerInvariant();
}
