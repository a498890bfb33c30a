using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace KeepTrusts.Testing.Azure;

/// <summary>
/// A local HTTPS fake of Azure Resource Manager (Kestrel on 127.0.0.1, port 0, self-signed certificate made at
/// run time). Serves resources from an <see cref="ArmResourceStore"/> in their real JSON shapes, lists child
/// collections, accepts PUTs as long-running operations (201 + Azure-AsyncOperation, polled to Succeeded) with the
/// side effects the real providers have, and records every request. Any bearer token is accepted; none is refused
/// silently: a request without one gets 401 like the real service.
/// </summary>
public sealed partial class FakeArmServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedArmRequest> _requests = new();
    private readonly ConcurrentDictionary<string, OperationState> _operations = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ArmFault> _faults = [];

    private FakeArmServer(WebApplication app, ArmResourceStore store)
    {
        _app = app;
        Store = store;
    }

    public ArmResourceStore Store { get; }

    /// <summary>The value to pass to -ArmEndpoint (with -SkipCertificateCheck: the certificate is self-signed).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>How many status polls an operation answers InProgress before Succeeded.</summary>
    public int PollsBeforeSuccess { get; set; } = 1;

    public IReadOnlyList<RecordedArmRequest> Requests => _requests.ToList();

    public IReadOnlyList<RecordedArmRequest> WriteRequests => _requests.Where(r => r.IsWrite).ToList();

    public void AddFault(ArmFault fault)
    {
        lock (_faults)
        {
            _faults.Add(fault);
        }
    }

    public void ClearRequests() => _requests.Clear();

    public static async Task<FakeArmServer> StartAsync(ArmResourceStore store)
    {
        FakeArmServer? server = null;
        var (app, url) = await LoopbackApp.StartAsync(context => server!.HandleAsync(context), listen => listen.UseHttps(TestCertificates.Create("localhost", "127.0.0.1")));
        server = new FakeArmServer(app, store) { Endpoint = new Uri(url + "/") };
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var apiVersion = request.Query["api-version"].FirstOrDefault();
        var hasBearer = request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && request.Headers.Authorization.ToString().Length > "Bearer ".Length;

        string? requestBody = null;
        if (request.Method is "PUT" or "PATCH" or "POST")
        {
            using var reader = new StreamReader(request.Body);
            requestBody = await reader.ReadToEndAsync();
        }

        var (status, body, headers) = Respond(request, path, apiVersion, hasBearer, requestBody);
        _requests.Enqueue(new RecordedArmRequest(request.Method, path, apiVersion, status, hasBearer, requestBody));

        context.Response.StatusCode = status;
        context.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        if (body is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(body.ToJsonString(Compact));
        }
    }

    private (int Status, JsonNode? Body, List<(string, string)> Headers) Respond(
        HttpRequest request, string path, string? apiVersion, bool hasBearer, string? requestBody)
    {
        var headers = new List<(string, string)>();
        if (!hasBearer)
        {
            return (401, Error("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."), headers);
        }

        if (path.Contains("/operations/", StringComparison.OrdinalIgnoreCase) && request.Method == "GET")
        {
            return PollOperation(path.Split('/').Last());
        }

        if (string.IsNullOrEmpty(apiVersion))
        {
            return (400, Error("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."), headers);
        }

        if (request.Method == "POST" && path.TrimEnd('/').Equals("/providers/Microsoft.ResourceGraph/resources", StringComparison.OrdinalIgnoreCase))
        {
            return ResourceGraph(apiVersion, requestBody);
        }

        if (request.Method == "POST" && path.EndsWith("/list", StringComparison.OrdinalIgnoreCase))
        {
            return ListAction(path[..^"/list".Length], apiVersion);
        }

        if (request.Method == "GET" && SubscriptionList().Match(path) is { Success: true } byType)
        {
            return ListBySubscription(byType.Groups[1].Value, byType.Groups[2].Value, apiVersion);
        }

        var (resourceType, isCollection) = ArmResourceStore.Classify(path);
        if (FakeArmApiVersions.ByResourceType.TryGetValue(resourceType, out var expected) && expected != apiVersion)
        {
            return (400, Error(
                "InvalidApiVersionParameter",
                $"The api-version '{apiVersion}' is invalid. The supported versions are '{expected}'."), headers);
        }

        var fault = FindFault(request.Method, resourceType);
        if (fault is not null)
        {
            return (fault.StatusCode, FaultBody(fault, path, resourceType), headers);
        }

        switch (request.Method)
        {
            case "GET" when isCollection:
                var parent = path[..path.LastIndexOf('/')];
                if (!Store.Contains(parent))
                {
                    return NotFound(parent);
                }

                var list = new JsonArray(Store.Children(path).Select(c => (JsonNode)c.DeepClone()).ToArray());
                return (200, new JsonObject { ["value"] = list }, headers);
            case "GET":
                var resource = Store.Get(path);
                return resource is null ? NotFound(path) : (200, resource.DeepClone(), headers);
            case "PUT":
                var bodyNode = string.IsNullOrWhiteSpace(requestBody) ? null : JsonNode.Parse(requestBody) as JsonObject;
                return Put(path, resourceType, bodyNode ?? new JsonObject(), request);

            default:
                return (405, Error("MethodNotAllowed", $"The fake does not implement {request.Method}."), headers);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^/subscriptions/([^/]+)/providers/([^/]+/[^/]+)/?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex SubscriptionList();

    /// <summary>GET /subscriptions/{id}/providers/{namespace}/{type}: every stored resource of that type in the subscription.</summary>
    private (int, JsonNode?, List<(string, string)>) ListBySubscription(string subscription, string type, string? apiVersion)
    {
        if (FakeArmApiVersions.ByResourceType.TryGetValue(type, out var expected) && expected != apiVersion)
        {
            return (400, Error("InvalidApiVersionParameter", $"The api-version '{apiVersion}' is invalid. The supported versions are '{expected}'."), []);
        }

        if (FindFault("GET", type) is { } fault)
        {
            return (fault.StatusCode, FaultBody(fault, $"/subscriptions/{subscription}", type), []);
        }

        var items = Store.Ids
            .Where(id => id.Split('/')[2].Equals(subscription, StringComparison.OrdinalIgnoreCase))
            .Where(id => ArmResourceStore.Classify(id) is { IsCollection: false } c && c.ResourceType.Equals(type, StringComparison.OrdinalIgnoreCase))
            .Select(id => (JsonNode)Store.Get(id)!.DeepClone())
            .ToArray();
        return (200, new JsonObject { ["value"] = new JsonArray(items) }, []);
    }

    /// <summary>Largest page the Resource Graph fake returns; smaller than the real 1000 so tests exercise $skipToken.</summary>
    public int ResourceGraphPageSize { get; set; } = 1000;

    /// <summary>The query texts Resource Graph received, in order.</summary>
    public IReadOnlyList<string> ResourceGraphQueries => _graphQueries.ToList();

    private readonly ConcurrentQueue<string> _graphQueries = new();

    /// <summary>
    /// Azure Resource Graph's resources query (api-version 2022-10-01): body { subscriptions, query, options { $top,
    /// $skipToken, resultFormat } }, answer { totalRecords, count, resultTruncated, $skipToken, data, facets }. The fake
    /// does not run KQL: it serves Cognitive Services accounts of the given subscriptions, honours a
    /// "resourceGroup in~ (...)" filter, and returns the columns the diagnostics' projection names.
    /// </summary>
    private (int, JsonNode?, List<(string, string)>) ResourceGraph(string? apiVersion, string? requestBody)
    {
        if (apiVersion != "2022-10-01")
        {
            return (400, Error("InvalidApiVersionParameter", $"The api-version '{apiVersion}' is invalid. The supported versions are '2022-10-01'."), []);
        }

        if (FindFault("POST", "Microsoft.ResourceGraph/resources") is { } fault)
        {
            return (fault.StatusCode, FaultBody(fault, "/providers/Microsoft.ResourceGraph/resources", "Microsoft.ResourceGraph/resources"), []);
        }

        var body = string.IsNullOrWhiteSpace(requestBody) ? null : JsonNode.Parse(requestBody) as JsonObject;
        var subscriptions = (body?["subscriptions"] as JsonArray)?.Select(s => s!.GetValue<string>()).ToList() ?? [];
        var query = body?["query"]?.GetValue<string>();
        if (subscriptions.Count == 0 || string.IsNullOrWhiteSpace(query))
        {
            return (400, Error("BadRequest", "Please provide a query and at least one subscription."), []);
        }

        _graphQueries.Enqueue(query);
        var options = body!["options"] as JsonObject;
        var top = Math.Min(options?["$top"]?.GetValue<int>() ?? 100, ResourceGraphPageSize);
        var skip = options?["$skipToken"]?.GetValue<string>() is { } token ? int.Parse(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token)), System.Globalization.CultureInfo.InvariantCulture) : 0;
        var groupFilter = System.Text.RegularExpressions.Regex.Match(query, @"resourceGroup in~ \(([^)]*)\)");
        var groups = groupFilter.Success
            ? System.Text.RegularExpressions.Regex.Matches(groupFilter.Groups[1].Value, "'([^']+)'").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : null;
        var rows = Store.Ids
            .Where(id => ArmResourceStore.Classify(id).ResourceType.Equals("Microsoft.CognitiveServices/accounts", StringComparison.OrdinalIgnoreCase))
            .Where(id => subscriptions.Contains(id.Split('/')[2], StringComparer.OrdinalIgnoreCase))
            .Where(id => groups is null || groups.Contains(ResourceGroupOf(id)))
            .Select(id => Store.Get(id)!)
            .ToList();
        var page = rows.Skip(skip).Take(top).Select(account => (JsonNode)new JsonObject
        {
            ["id"] = account["id"]!.GetValue<string>(),
            ["name"] = account["name"]?.GetValue<string>(),
            ["kind"] = account["kind"]?.GetValue<string>(),
            ["subscriptionId"] = account["id"]!.GetValue<string>().Split('/')[2],
            ["resourceGroup"] = ResourceGroupOf(account["id"]!.GetValue<string>()).ToLowerInvariant(),
            ["customSubDomainName"] = account["properties"]?["customSubDomainName"]?.GetValue<string>() ?? string.Empty,
            ["endpoint"] = account["properties"]?["endpoint"]?.GetValue<string>() ?? string.Empty,
            ["privateEndpointCount"] = (account["properties"]?["privateEndpointConnections"] as JsonArray)?.Count ?? 0,
        }).ToArray();
        var result = new JsonObject
        {
            ["totalRecords"] = rows.Count,
            ["count"] = page.Length,
            ["resultTruncated"] = "false",
            ["data"] = new JsonArray(page),
            ["facets"] = new JsonArray(),
        };
        if (skip + page.Length < rows.Count)
        {
            result["$skipToken"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes((skip + page.Length).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return (200, result, []);
    }

    /// <summary>
    /// A list action (POST {resource}/list, e.g. config/appsettings/list): a read modelled as a POST, answered with
    /// the stored resource; the api-version and faults are those of the resource's type.
    /// </summary>
    private (int, JsonNode?, List<(string, string)>) ListAction(string resourcePath, string? apiVersion)
    {
        var (type, _) = ArmResourceStore.Classify(resourcePath);
        if (FakeArmApiVersions.ByResourceType.TryGetValue(type, out var expected) && expected != apiVersion)
        {
            return (400, Error("InvalidApiVersionParameter", $"The api-version '{apiVersion}' is invalid. The supported versions are '{expected}'."), []);
        }

        if (FindFault("POST", type) is { } fault)
        {
            return (fault.StatusCode, FaultBody(fault, resourcePath, type), []);
        }

        var resource = Store.Get(resourcePath);
        return resource is null ? NotFound(resourcePath) : (200, resource.DeepClone(), []);
    }

    private ArmFault? FindFault(string method, string resourceType)
    {
        lock (_faults)
        {
            return _faults.FirstOrDefault(f =>
                f.Method.Equals(method, StringComparison.OrdinalIgnoreCase)
                && f.ResourceType.Equals(resourceType, StringComparison.OrdinalIgnoreCase));
        }
    }

    private static JsonObject FaultBody(ArmFault fault, string path, string resourceType) => fault.StatusCode switch
    {
        403 => Error(
            "AuthorizationFailed",
            $"The client 'automation-mi' with object id '6f1e3a3e-0000-4000-8000-00000000abcd' does not have authorization to perform action "
            + $"'{resourceType}/{fault.Method switch { "GET" => "read", "POST" => "list/action", _ => "write" }}' over scope '{path}' or the scope is invalid. "
            + "If access was recently granted, please refresh your credentials."),
        409 => Error("Conflict", $"Operation on '{path}' cannot be performed because another operation is in progress on the resource. Retry after it completes."),
        404 => Error("ResourceNotFound", $"The Resource '{resourceType}' at '{path}' was not found."),
        _ => Error("InternalServerError", "The fake was told to fail this request."),
    };

    private (int, JsonNode?, List<(string, string)>) NotFound(string path)
    {
        var (type, _) = ArmResourceStore.Classify(path);
        var name = path.TrimEnd('/').Split('/').Last();
        var rg = ResourceGroupOf(path);
        return (404, Error(
            "ResourceNotFound",
            $"The Resource '{type}/{name}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"), []);
    }

    private (int, JsonNode?, List<(string, string)>) Put(string path, string resourceType, JsonObject body, HttpRequest request)
    {
        var headers = new List<(string, string)>();
        var id = ArmResourceStore.Normalize(path);
        var name = id.Split('/').Last();
        var properties = body["properties"] as JsonObject ?? new JsonObject();
        var location = body["location"]?.GetValue<string>();

        var needsLocation = resourceType.Equals("Microsoft.Network/privateDnsZones", StringComparison.OrdinalIgnoreCase)
            || resourceType.Equals("Microsoft.Network/privateDnsZones/virtualNetworkLinks", StringComparison.OrdinalIgnoreCase);
        if (needsLocation && !string.Equals(location, "global", StringComparison.OrdinalIgnoreCase))
        {
            return (400, Error("LocationRequired", $"Private DNS resources must have location 'global'; the request had '{location}'."), headers);
        }

        var existing = Store.Get(id);
        var result = new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["type"] = resourceType,
            ["etag"] = Guid.NewGuid().ToString(),
        };
        if (location is not null)
        {
            result["location"] = location;
        }

        if (body["tags"] is JsonObject tags)
        {
            result["tags"] = tags.DeepClone();
        }

        var newProperties = (JsonObject)properties.DeepClone();
        switch (resourceType.ToLowerInvariant())
        {
            case "microsoft.network/privatednszones":
                newProperties["maxNumberOfRecordSets"] = 25000;
                newProperties["numberOfRecordSets"] = 1;
                newProperties["maxNumberOfVirtualNetworkLinks"] = 1000;
                newProperties["numberOfVirtualNetworkLinks"] = 0;
                newProperties["maxNumberOfVirtualNetworkLinksWithRegistration"] = 100;
                newProperties["numberOfVirtualNetworkLinksWithRegistration"] = 0;
                newProperties["internalId"] = Guid.NewGuid().ToString();
                break;
            case "microsoft.network/privatednszones/virtualnetworklinks":
                var zoneId = id[..id.IndexOf("/virtualNetworkLinks/", StringComparison.OrdinalIgnoreCase)];
                if (!Store.Contains(zoneId))
                {
                    return NotFound(zoneId);
                }

                var vnetId = newProperties["virtualNetwork"]?["id"]?.GetValue<string>();
                if (vnetId is null || newProperties["registrationEnabled"] is null)
                {
                    return (400, Error("BadRequest", "properties.virtualNetwork.id and properties.registrationEnabled are required."), headers);
                }

                var clash = Store.Children(zoneId + "/virtualNetworkLinks").FirstOrDefault(l =>
                    string.Equals(l["properties"]?["virtualNetwork"]?["id"]?.GetValue<string>(), vnetId, StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(l["id"]!.GetValue<string>(), id, StringComparison.OrdinalIgnoreCase));
                if (clash is not null)
                {
                    return (409, Error(
                        "Conflict",
                        $"A virtual network link to '{vnetId}' already exists in zone '{zoneId.Split('/').Last()}' as '{clash["name"]}'."), headers);
                }

                newProperties["virtualNetworkLinkState"] = "Completed";
                newProperties["resolutionPolicy"] ??= "Default";
                break;
            case "microsoft.network/privateendpoints/privatednszonegroups":
                var peId = id[..id.IndexOf("/privateDnsZoneGroups/", StringComparison.OrdinalIgnoreCase)];
                var pe = Store.Get(peId);
                if (pe is null)
                {
                    return NotFound(peId);
                }

                var configError = ApplyZoneGroup(pe, newProperties);
                if (configError is not null)
                {
                    return (400, configError, headers);
                }

                break;
        }

        if (resourceType.Equals("Microsoft.Network/privateDnsZones/A", StringComparison.OrdinalIgnoreCase))
        {
            // Record sets are written synchronously (200/201, no Azure-AsyncOperation) and carry no location.
            var zoneOfRecord = id[..id.IndexOf("/A/", StringComparison.OrdinalIgnoreCase)];
            if (!Store.Contains(zoneOfRecord))
            {
                return NotFound(zoneOfRecord);
            }

            if (newProperties["aRecords"] is not JsonArray { Count: > 0 } || newProperties["ttl"] is null)
            {
                return (400, Error("BadRequest", "properties.ttl and at least one properties.aRecords entry are required for an A record set."), headers);
            }

            var zoneName = zoneOfRecord.Split('/').Last();
            newProperties["fqdn"] = $"{name}.{zoneName}.";
            newProperties["isAutoRegistered"] = false;
            result["properties"] = newProperties;
            Store.Put(result);
            return (existing is null ? 201 : 200, result.DeepClone(), headers);
        }

        newProperties["provisioningState"] = "Updating";
        result["properties"] = newProperties;
        Store.Put(result);

        var operationId = Guid.NewGuid().ToString();
        _operations[operationId] = new OperationState(id);
        var subscription = id.Split('/')[2];
        var operationUri = new Uri(Endpoint, $"subscriptions/{subscription}/providers/Microsoft.Network/locations/global/operations/{operationId}?api-version={request.Query["api-version"]}");
        headers.Add(("Azure-AsyncOperation", operationUri.ToString()));
        headers.Add(("Retry-After", "0"));
        return (existing is null ? 201 : 200, result.DeepClone(), headers);
    }

    /// <summary>What the Network provider does for a zone group: an A record per FQDN of the endpoint, in each zone.</summary>
    private JsonObject? ApplyZoneGroup(JsonObject privateEndpoint, JsonObject properties)
    {
        var ip = privateEndpoint["properties"]?["customDnsConfigs"]?[0]?["ipAddresses"]?[0]?.GetValue<string>();
        var fqdn = privateEndpoint["properties"]?["customDnsConfigs"]?[0]?["fqdn"]?.GetValue<string>();
        if (properties["privateDnsZoneConfigs"] is not JsonArray configs)
        {
            return Error("BadRequest", "properties.privateDnsZoneConfigs is required.");
        }

        foreach (var config in configs.OfType<JsonObject>())
        {
            var zoneId = config["properties"]?["privateDnsZoneId"]?.GetValue<string>();
            var zone = zoneId is null ? null : Store.Get(zoneId);
            if (zone is null)
            {
                return Error("InvalidPrivateDnsZoneIds", $"Private DNS zone '{zoneId}' referenced by the zone group does not exist.");
            }

            if (ip is null || fqdn is null)
            {
                continue;
            }

            var recordName = fqdn.Split('.')[0];
            var zoneName = zone["name"]!.GetValue<string>();
            Store.Put(new JsonObject
            {
                ["id"] = $"{ArmResourceStore.Normalize(zoneId!)}/A/{recordName}",
                ["name"] = recordName,
                ["type"] = "Microsoft.Network/privateDnsZones/A",
                ["etag"] = Guid.NewGuid().ToString(),
                ["properties"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["creator"] = "created by private endpoint " + privateEndpoint["name"] },
                    ["ttl"] = 10,
                    ["fqdn"] = $"{recordName}.{zoneName}.",
                    ["isAutoRegistered"] = false,
                    ["aRecords"] = new JsonArray(new JsonObject { ["ipv4Address"] = ip }),
                },
            });
            config["properties"]!["recordSets"] = new JsonArray(new JsonObject
            {
                ["recordType"] = "A",
                ["recordSetName"] = recordName,
                ["fqdn"] = $"{recordName}.{zoneName}",
                ["provisioningState"] = "Succeeded",
                ["ttl"] = 10,
                ["ipAddresses"] = new JsonArray(ip),
            });
        }

        return null;
    }

    private (int, JsonNode?, List<(string, string)>) PollOperation(string operationId)
    {
        if (!_operations.TryGetValue(operationId, out var state))
        {
            return (404, Error("OperationNotFound", $"Operation '{operationId}' was not found."), []);
        }

        if (state.Polls++ < PollsBeforeSuccess)
        {
            return (200, new JsonObject { ["id"] = operationId, ["name"] = operationId, ["status"] = "InProgress" }, [("Retry-After", "0")]);
        }

        var resource = Store.Get(state.ResourceId);
        if (resource?["properties"] is JsonObject properties)
        {
            properties["provisioningState"] = "Succeeded";
        }

        return (200, new JsonObject { ["id"] = operationId, ["name"] = operationId, ["status"] = "Succeeded" }, []);
    }

    private static string ResourceGroupOf(string path)
    {
        var segments = path.Trim('/').Split('/');
        var index = Array.FindIndex(segments, s => s.Equals("resourceGroups", StringComparison.OrdinalIgnoreCase));
        return index >= 0 && index + 1 < segments.Length ? segments[index + 1] : string.Empty;
    }

    private static JsonObject Error(string code, string message) =>
        new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    public async ValueTask DisposeAsync()
    {
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopTimeout.Token);
        await _app.DisposeAsync();
    }

    private sealed class OperationState(string resourceId)
    {
        public string ResourceId { get; } = resourceId;

        public int Polls { get; set; }
    }
}
