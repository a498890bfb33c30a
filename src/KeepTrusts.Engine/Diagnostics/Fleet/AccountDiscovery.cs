using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Diagnostics.Fleet;

/// <summary>
/// Finds the Cognitive Services accounts of the given subscriptions with one Azure Resource Graph query
/// (POST /providers/Microsoft.ResourceGraph/resources through ARM), following $skipToken page by page.
/// </summary>
internal static partial class AccountDiscovery
{
    /// <summary>The largest page Resource Graph returns ($top); more come through $skipToken.</summary>
    public const int PageSize = 1000;

    /// <summary>Bound on the sweep: more accounts than this in one run is refused with the reason rather than read forever.</summary>
    public const int MaxAccounts = 5000;

    public static string Query(IReadOnlyList<string> resourceGroups)
    {
        foreach (var group in resourceGroups)
        {
            if (!ResourceGroupName().IsMatch(group))
            {
                throw new ArgumentException($"-ResourceGroupName '{group}' is not a resource group name (letters, digits, '-', '_', '.', '(', ')'; up to 90 characters).");
            }
        }

        var filter = resourceGroups.Count == 0
            ? string.Empty
            : $"| where resourceGroup in~ ({string.Join(", ", resourceGroups.Select(g => $"'{g}'"))}) ";
        return "resources | where type =~ 'microsoft.cognitiveservices/accounts' " + filter
            + "| project id, name, kind, subscriptionId, resourceGroup, customSubDomainName = tostring(properties.customSubDomainName), "
            + "endpoint = tostring(properties.endpoint), privateEndpointCount = array_length(properties.privateEndpointConnections) "
            + "| order by id asc";
    }

    public static async Task<IReadOnlyList<FleetAccount>> FindAsync(ArmResources arm, FleetRequest request, CancellationToken cancellationToken)
    {
        foreach (var subscription in request.SubscriptionIds)
        {
            if (!Guid.TryParse(subscription, out _))
            {
                throw new ArgumentException($"-SubscriptionId '{subscription}' is not a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000).");
            }
        }

        var query = Query(request.ResourceGroupNames);
        var accounts = new List<FleetAccount>();
        string? skipToken = null;
        do
        {
            var options = new JsonObject { ["$top"] = PageSize, ["resultFormat"] = "objectArray" };
            if (skipToken is not null)
            {
                options["$skipToken"] = skipToken;
            }

            var body = new JsonObject
            {
                ["subscriptions"] = new JsonArray(request.SubscriptionIds.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
                ["query"] = query,
                ["options"] = options,
            };
            var page = await arm.PostProviderAsync("/providers/Microsoft.ResourceGraph/resources", ArmApiVersions.ResourceGraph, body.ToJsonString(), cancellationToken).ConfigureAwait(false);
            foreach (var row in page.Arr("data"))
            {
                accounts.Add(ToAccount(row));
            }

            if (accounts.Count > MaxAccounts)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The query found more than {MaxAccounts} accounts; narrow it with -ResourceGroupName or fewer -SubscriptionId values."));
            }

            skipToken = page.Str("$skipToken");
        }
        while (skipToken is not null);

        return accounts;
    }

    private static FleetAccount ToAccount(JsonElement row)
    {
        JsonElement? r = row;
        var kind = r.Str("kind") ?? "Unknown";
        var subdomain = r.Str("customSubDomainName");
        var endpoint = r.Str("endpoint");
        // Azure OpenAI (and AI Services, which serve the same API) answer on <subdomain>.openai.azure.com; other kinds on their own endpoint.
        var checkedEndpoint = !string.IsNullOrEmpty(subdomain) && kind is "OpenAI" or "AIServices"
            ? $"https://{subdomain}.openai.azure.com/"
            : string.IsNullOrEmpty(endpoint) ? null : endpoint;
        return new FleetAccount(r.Str("id") ?? string.Empty, kind, checkedEndpoint, r.Node("privateEndpointCount")?.ValueKind == JsonValueKind.Number ? r.Node("privateEndpointCount")!.Value.GetInt32() : 0);
    }

    [GeneratedRegex(@"^[-\w\._\(\)]{1,90}$")]
    private static partial Regex ResourceGroupName();
}
