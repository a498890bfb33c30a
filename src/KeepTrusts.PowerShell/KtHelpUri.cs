namespace KeepTrusts.PowerShell;

/// <summary>Online help (Get-Help -Online): each cmdlet's HelpUri is its section of docs/cmdlets.md.</summary>
internal static class KtHelpUri
{
    public const string Project = "https://github.com/keeptrusts/keeptrusts";

    public const string Cmdlets = Project + "/blob/main/docs/cmdlets.md#";
}
