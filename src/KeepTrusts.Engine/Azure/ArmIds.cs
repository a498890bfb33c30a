using Azure.Core;

namespace KeepTrusts.Engine.Azure;

/// <summary>Pieces of ARM resource ids the remediation commands need (resource group, name, parent).</summary>
public static class ArmIds
{
    public static string ResourceGroup(string id) => new ResourceIdentifier(id).ResourceGroupName ?? string.Empty;

    public static string Name(string id) => new ResourceIdentifier(id).Name;

    public static string Subscription(string id) => new ResourceIdentifier(id).SubscriptionId ?? string.Empty;

    public static string Parent(string id) => new ResourceIdentifier(id).Parent?.ToString() ?? id;

    public static bool SameId(string? a, string? b) =>
        a is not null && b is not null && string.Equals(a.Trim().TrimEnd('/'), b.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws an error that says what a valid id looks like when <paramref name="id"/> is not one of <paramref name="expectedType"/>.</summary>
    public static void Validate(string id, string parameter, string expectedType)
    {
        ResourceIdentifier parsed;
        try
        {
            parsed = new ResourceIdentifier(id);
            _ = parsed.ResourceType.ToString();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new ArgumentException(
                $"{parameter} '{id}' is not an ARM resource id. Expected /subscriptions/<guid>/resourceGroups/<rg>/providers/{expectedType}/<name>.", ex);
        }

        if (!string.Equals(parsed.ResourceType.ToString(), expectedType, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"{parameter} '{id}' is a {parsed.ResourceType}, not a {expectedType}. Expected /subscriptions/<guid>/resourceGroups/<rg>/providers/{expectedType}/<name>.");
        }
    }
}
