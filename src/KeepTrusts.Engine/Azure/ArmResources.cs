using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using global::Azure.Identity;
using global::Azure.ResourceManager;
using global::Azure.ResourceManager.Resources;
using KeepTrusts.Engine.Diagnostics;

namespace KeepTrusts.Engine.Azure;

/// <summary>
/// Reads and writes ARM resources as JSON through Azure.ResourceManager generic resources, with the api-version
/// pinned per type (<see cref="ArmApiVersions"/>). Lists of child resources (zone links, zone groups), which generic
/// resources cannot enumerate, go through the same credential, retry and transport settings on an Azure.Core pipeline.
/// </summary>
public sealed class ArmResources : IArmReader
{
    private readonly ArmClient _client;
    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly ArmConnectionOptions _options;
    private readonly IOperationReporter _reporter;

    public ArmResources(ArmConnectionOptions options, IOperationReporter? reporter = null)
    {
        _options = options;
        _reporter = reporter ?? NullOperationReporter.Instance;
        var environment = EnvironmentFor(options.ArmEndpoint);
        _endpoint = environment.Endpoint;

        var clientOptions = new ArmClientOptions { Environment = environment };
        foreach (var (type, version) in ArmApiVersions.ByResourceType)
        {
            clientOptions.SetApiVersion(new ResourceType(type), version);
        }

        clientOptions.Retry.MaxRetries = 3;
        // Same back-off, but a certificate, DNS or refused-connection failure fails at once with its cause.
        clientOptions.RetryPolicy = new ArmRetryPolicy(clientOptions.Retry.MaxRetries);
        clientOptions.Retry.NetworkTimeout = options.RequestTimeout;
        clientOptions.Diagnostics.IsLoggingContentEnabled = false;
        if (options.SkipCertificateCheck)
        {
            clientOptions.Transport = new HttpClientTransport(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
            });
        }

        var credential = CreateCredential(options, environment);
        _client = new ArmClient(credential, null, clientOptions);
        _pipeline = HttpPipelineBuilder.Build(clientOptions, new BearerTokenAuthenticationPolicy(credential, environment.DefaultScope));
    }

    /// <summary>Managed identity first (Azure Automation, App Service, VMs), then the developer chain; or the caller's token.</summary>
    public static TokenCredential CreateCredential(ArmConnectionOptions options, ArmEnvironment environment)
    {
        if (options.AccessToken is not null)
        {
            return new StaticAccessTokenCredential(options.AccessToken);
        }

        var authority = AuthorityFor(environment.Endpoint);
        return new ChainedTokenCredential(
            new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(ManagedIdentityId.SystemAssigned) { AuthorityHost = authority }),
            new DefaultAzureCredential(new DefaultAzureCredentialOptions { AuthorityHost = authority }));
    }

    public static ArmEnvironment EnvironmentFor(Uri? endpoint)
    {
        if (endpoint is null)
        {
            return ArmEnvironment.AzurePublicCloud;
        }

        foreach (var known in new[] { ArmEnvironment.AzurePublicCloud, ArmEnvironment.AzureGovernment, ArmEnvironment.AzureChina })
        {
            if (Uri.Compare(known.Endpoint, endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                return known;
            }
        }

        // Azure Stack Hub and local fakes: the token audience is the endpoint itself.
        return new ArmEnvironment(endpoint, endpoint.GetLeftPart(UriPartial.Authority) + "/");
    }

    private static Uri AuthorityFor(Uri armEndpoint) => armEndpoint.Host.ToLowerInvariant() switch
    {
        var h when h.EndsWith("usgovcloudapi.net", StringComparison.Ordinal) => AzureAuthorityHosts.AzureGovernment,
        var h when h.EndsWith("chinacloudapi.cn", StringComparison.Ordinal) => AzureAuthorityHosts.AzureChina,
        _ => AzureAuthorityHosts.AzurePublicCloud,
    };

    /// <summary>The resource as JSON, or null when ARM says 404.</summary>
    public async Task<JsonElement?> GetAsync(string resourceId, CancellationToken cancellationToken)
    {
        var id = Parse(resourceId);
        _reporter.Verbose($"GET {resourceId}?api-version={ArmApiVersions.For(id.ResourceType)}");
        try
        {
            var response = await _client.GetGenericResource(id).GetAsync(cancellationToken).ConfigureAwait(false);
            return ToJson(response.Value.Data);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw ArmErrorTranslator.Translate(ex, resourceId, "read");
        }
    }

    /// <summary>All children in a collection such as {zoneId}/virtualNetworkLinks, following nextLink.</summary>
    public async Task<IReadOnlyList<JsonElement>> ListAsync(string parentId, string childType, CancellationToken cancellationToken)
    {
        var parent = Parse(parentId);
        var collectionType = new ResourceType(parent.ResourceType + "/" + childType);
        return await ListPathAsync(parentId.TrimEnd('/') + "/" + childType, ArmApiVersions.For(collectionType), cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<JsonElement>> ListBySubscriptionAsync(string subscriptionId, string resourceType, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(subscriptionId, out _))
        {
            throw new ArgumentException($"'{subscriptionId}' is not a subscription id.");
        }

        return ListPathAsync($"/subscriptions/{subscriptionId}/providers/{resourceType}", ArmApiVersions.For(new ResourceType(resourceType)), cancellationToken);
    }

    private async Task<IReadOnlyList<JsonElement>> ListPathAsync(string collectionPath, string apiVersion, CancellationToken cancellationToken)
    {
        var next = new Uri(_endpoint, collectionPath.TrimStart('/') + "?api-version=" + apiVersion);
        var items = new List<JsonElement>();
        while (next is not null)
        {
            _reporter.Verbose($"GET {collectionPath}?api-version={apiVersion}");
            using var message = _pipeline.CreateMessage();
            message.Request.Method = RequestMethod.Get;
            message.Request.Uri.Reset(next);
            try
            {
                await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw ArmErrorTranslator.Translate(ex, collectionPath, "list");
            }

            var response = message.Response;
            if (response.Status == 404)
            {
                return items;
            }

            if (response.Status >= 400)
            {
                throw ArmErrorTranslator.Translate(new RequestFailedException(response), collectionPath, "list");
            }

            using var document = JsonDocument.Parse(response.Content.ToMemory());
            if (document.RootElement.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array)
            {
                items.AddRange(value.EnumerateArray().Select(e => e.Clone()));
            }

            next = document.RootElement.TryGetProperty("nextLink", out var link) && link.GetString() is { Length: > 0 } nextLink
                ? new Uri(nextLink)
                : null;
        }

        return items;
    }

    /// <summary>
    /// POST to a resource action such as {site}/config/appsettings/list (a read that ARM models as an action) and
    /// return the response body; null when ARM says 404. The api-version is the one pinned for the resource's type.
    /// </summary>
    public Task<JsonElement?> PostActionAsync(string resourceId, string action, CancellationToken cancellationToken)
    {
        var id = Parse(resourceId);
        var apiVersion = ArmApiVersions.For(id.ResourceType);
        return SendAsync(RequestMethod.Post, resourceId.TrimEnd('/') + "/" + action, apiVersion, null, "read", cancellationToken);
    }

    /// <summary>POST to a provider-level path (no resource id), e.g. /providers/Microsoft.ResourceGraph/resources.</summary>
    public Task<JsonElement?> PostProviderAsync(string path, string apiVersion, string bodyJson, CancellationToken cancellationToken) =>
        SendAsync(RequestMethod.Post, path, apiVersion, bodyJson, "read", cancellationToken);

    /// <summary>
    /// PUT a proxy resource that ARM writes synchronously and that has no location (a private DNS record set):
    /// generic resources always send a location, which such resources do not take.
    /// </summary>
    public async Task<JsonElement> PutProxyAsync(string resourceId, string propertiesJson, CancellationToken cancellationToken)
    {
        var id = Parse(resourceId);
        var body = new JsonObject { ["properties"] = JsonNode.Parse(propertiesJson) }.ToJsonString();
        return await SendAsync(RequestMethod.Put, resourceId, ArmApiVersions.For(id.ResourceType), body, "write", cancellationToken).ConfigureAwait(false)
            ?? throw ArmErrorTranslator.Translate(new InvalidOperationException($"ARM answered 404 to the write of {resourceId}."), resourceId, "write");
    }

    private async Task<JsonElement?> SendAsync(RequestMethod method, string path, string apiVersion, string? bodyJson, string verb, CancellationToken cancellationToken)
    {
        _reporter.Verbose($"{method} {path}?api-version={apiVersion}");
        using var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(_endpoint, path.TrimStart('/') + "?api-version=" + apiVersion));
        if (bodyJson is not null)
        {
            message.Request.Headers.SetValue("Content-Type", "application/json");
            message.Request.Content = RequestContent.Create(BinaryData.FromString(bodyJson));
        }

        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw ArmErrorTranslator.Translate(ex, path, verb);
        }

        var response = message.Response;
        if (response.Status == 404)
        {
            return null;
        }

        if (response.Status >= 400)
        {
            throw ArmErrorTranslator.Translate(new RequestFailedException(response), path, verb);
        }

        if (response.Content.ToMemory().Length == 0)
        {
            return null;
        }

        using var document = JsonDocument.Parse(response.Content.ToMemory());
        return document.RootElement.Clone();
    }

    /// <summary>
    /// PUT a resource and wait for the long-running operation (Azure-AsyncOperation / Location polling by the SDK),
    /// reporting each poll.
    /// </summary>
    public async Task<JsonElement> PutAsync(string resourceId, string? location, string propertiesJson, string progressLabel, CancellationToken cancellationToken)
    {
        var id = Parse(resourceId);
        _reporter.Verbose($"PUT {resourceId}?api-version={ArmApiVersions.For(id.ResourceType)}");
        var data = new GenericResourceData(location is null ? default : new AzureLocation(location))
        {
            Properties = BinaryData.FromString(propertiesJson),
        };
        try
        {
            var operation = await _client.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Started, id, data, cancellationToken).ConfigureAwait(false);
            var polls = 0;
            while (!operation.HasCompleted)
            {
                polls++;
                var delay = RetryAfter(operation.GetRawResponse()) ?? _options.PollInterval;
                _reporter.Verbose(string.Create(CultureInfo.InvariantCulture, $"Waiting for {progressLabel} (poll {polls}, next in {delay.TotalSeconds:0.#} s)."));
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                await operation.UpdateStatusAsync(cancellationToken).ConfigureAwait(false);
            }

            return ToJson(operation.Value.Data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw ArmErrorTranslator.Translate(ex, resourceId, "write");
        }
    }

    /// <summary>ARM's own hint for the next poll (Retry-After, seconds), capped so a bad value cannot stall the run.</summary>
    private static TimeSpan? RetryAfter(Response response) =>
        response.Headers.TryGetValue("Retry-After", out var value) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(Math.Min(seconds, 60))
            : null;

    private static ResourceIdentifier Parse(string resourceId)
    {
        try
        {
            var id = new ResourceIdentifier(resourceId);
            _ = id.ResourceType.ToString();
            return id;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new ArgumentException(
                $"'{resourceId}' is not an ARM resource id. Expected /subscriptions/<guid>/resourceGroups/<rg>/providers/<namespace>/<type>/<name>.", ex);
        }
    }

    /// <summary>The parts of a resource the checks read, as one JSON object shaped like ARM's own response.</summary>
    private static JsonElement ToJson(GenericResourceData data)
    {
        var resource = new JsonObject
        {
            ["id"] = data.Id?.ToString(),
            ["name"] = data.Name,
            ["type"] = data.ResourceType.ToString(),
            ["kind"] = data.Kind,
            ["location"] = data.Location.Name,
            ["properties"] = data.Properties is null ? null : JsonNode.Parse(data.Properties.ToMemory().Span),
        };
        return JsonSerializer.SerializeToElement(resource);
    }
}
