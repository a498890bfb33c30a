using System.Text.Json;

namespace KeepTrusts.Engine.Azure;

/// <summary>The ARM reads the diagnostics make: one resource, a child collection, a list action.</summary>
public interface IArmReader
{
    /// <summary>The resource as JSON, or null when ARM says 404.</summary>
    Task<JsonElement?> GetAsync(string resourceId, CancellationToken cancellationToken);

    /// <summary>All children in {parentId}/{childType}, following nextLink; empty when the parent is not found.</summary>
    Task<IReadOnlyList<JsonElement>> ListAsync(string parentId, string childType, CancellationToken cancellationToken);

    /// <summary>Every resource of a type in a subscription (GET /subscriptions/{id}/providers/{type}), following nextLink.</summary>
    Task<IReadOnlyList<JsonElement>> ListBySubscriptionAsync(string subscriptionId, string resourceType, CancellationToken cancellationToken);

    /// <summary>POST {resourceId}/{action} with no body (list actions that ARM models as POST); null on 404.</summary>
    Task<JsonElement?> PostActionAsync(string resourceId, string action, CancellationToken cancellationToken);
}
