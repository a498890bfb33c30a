using System.Management.Automation;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Lists the virtual client keys of a key store (never their secrets).</summary>
[Cmdlet(VerbsCommon.Get, "KtGatewayKey", HelpUri = KtHelpUri.Cmdlets + "get-ktgatewaykey")]
[OutputType(typeof(KtGatewayKey))]
public sealed class GetKtGatewayKeyCommand : KtCmdlet
{
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Store { get; set; } = string.Empty;

    /// <summary>Aliases or ids to return (wildcards allowed); all keys when omitted.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Alias { get; set; } = [];

    protected override void ProcessRecord()
    {
        var store = GetUnresolvedProviderPathFromPSPath(Store);
        if (!File.Exists(store))
        {
            // A mistyped -Store would otherwise look like a store without keys.
            WriteError("KeyStoreNotFound", ErrorCategory.ObjectNotFound, store, $"Cannot find the key store '{Store}'.",
                "Give the file that gateway.keys.store names (relative paths are resolved from the current location); New-KtGatewayKey creates it with the first key.");
            return;
        }

        WriteVerbose($"Reading keys from {store}");
        KtGatewayKey[] keys;
        try
        {
            keys = GatewayKeys.List(store);
        }
        catch (KtException ex)
        {
            WriteError(GatewayKeys.ErrorId(ex), ErrorCategory.InvalidData, store, ex.Message, null, ex);
            return;
        }

        if (Alias.Length == 0)
        {
            WriteObject(keys, enumerateCollection: true);
            return;
        }

        foreach (var name in Alias)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var matches = keys.Where(k => pattern.IsMatch(k.Alias) || pattern.IsMatch(k.Id)).ToArray();
            if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                WriteError("GatewayKeyNotFound", ErrorCategory.ObjectNotFound, name, $"No key in {store} has alias or id '{name}'.",
                    "Run Get-KtGatewayKey -Store <file> to list the keys.");
            }

            WriteObject(matches, enumerateCollection: true);
        }
    }
}
