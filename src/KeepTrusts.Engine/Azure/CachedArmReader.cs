using System.Collections.Concurrent;
using System.Text.Json;

namespace KeepTrusts.Engine.Azure;

/// <summary>
/// Remembers every read for the life of one run (one account, or a whole fleet): resources that many endpoints
/// share (the private DNS zone and its links, the hub VNet, NSGs) are fetched once, and concurrent callers of the
/// same id wait on the same request. Failures are remembered too, so a denied read is asked once. Bound: one entry
/// per distinct id read in the run, which the run's inventory bounds.
/// </summary>
public sealed class CachedArmReader(IArmReader inner) : IArmReader
{
    private readonly ConcurrentDictionary<string, Lazy<Task<JsonElement?>>> _resources = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<JsonElement>>>> _lists = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many reads went to ARM (the rest were answered from the cache).</summary>
    public int Misses => _resources.Count + _lists.Count;

    public Task<JsonElement?> GetAsync(string resourceId, CancellationToken cancellationToken) =>
        _resources.GetOrAdd("GET " + resourceId.TrimEnd('/'), _ => new Lazy<Task<JsonElement?>>(() => inner.GetAsync(resourceId, cancellationToken))).Value;

    public Task<IReadOnlyList<JsonElement>> ListAsync(string parentId, string childType, CancellationToken cancellationToken) =>
        _lists.GetOrAdd(parentId.TrimEnd('/') + "/" + childType, _ => new Lazy<Task<IReadOnlyList<JsonElement>>>(() => inner.ListAsync(parentId, childType, cancellationToken))).Value;

    public Task<IReadOnlyList<JsonElement>> ListBySubscriptionAsync(string subscriptionId, string resourceType, CancellationToken cancellationToken) =>
        _lists.GetOrAdd($"/subscriptions/{subscriptionId}/providers/{resourceType}", _ => new Lazy<Task<IReadOnlyList<JsonElement>>>(() => inner.ListBySubscriptionAsync(subscriptionId, resourceType, cancellationToken))).Value;

    public Task<JsonElement?> PostActionAsync(string resourceId, string action, CancellationToken cancellationToken) =>
        _resources.GetOrAdd("POST " + resourceId.TrimEnd('/') + "/" + action, _ => new Lazy<Task<JsonElement?>>(() => inner.PostActionAsync(resourceId, action, cancellationToken))).Value;
}
