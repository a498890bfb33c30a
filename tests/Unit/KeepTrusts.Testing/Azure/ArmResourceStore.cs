using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace KeepTrusts.Testing.Azure;

/// <summary>The resources the fake ARM serves, keyed by resource id (case-insensitive, as ARM treats them).</summary>
public sealed class ArmResourceStore
{
    private readonly ConcurrentDictionary<string, JsonObject> _resources = new(StringComparer.OrdinalIgnoreCase);

    public void Put(JsonObject resource)
    {
        var id = resource["id"]?.GetValue<string>() ?? throw new ArgumentException("A resource needs an id.");
        _resources[Normalize(id)] = resource;
    }

    public JsonObject? Get(string id) => _resources.TryGetValue(Normalize(id), out var r) ? r : null;

    public bool Contains(string id) => _resources.ContainsKey(Normalize(id));

    public bool Remove(string id) => _resources.TryRemove(Normalize(id), out _);

    /// <summary>Direct children of <paramref name="collectionPath"/> (for example a zone's virtualNetworkLinks).</summary>
    public IReadOnlyList<JsonObject> Children(string collectionPath)
    {
        var prefix = Normalize(collectionPath) + "/";
        return _resources
            .Where(kv => kv.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && !kv.Key[prefix.Length..].Contains('/'))
            .OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase)
            .Select(kv => kv.Value)
            .ToList();
    }

    public IReadOnlyList<string> Ids => _resources.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>A stable text form of everything stored, so a test can assert that nothing changed.</summary>
    public string Snapshot() =>
        string.Join("\n", _resources.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase).Select(kv => kv.Key + " " + kv.Value.ToJsonString()));

    internal static string Normalize(string id) => "/" + id.Trim().Trim('/');

    /// <summary>Splits an ARM path into its resource type and whether it names a collection rather than one resource.</summary>
    public static (string ResourceType, bool IsCollection) Classify(string path)
    {
        var segments = path.Trim('/').Split('/');
        var providers = Array.FindLastIndex(segments, s => s.Equals("providers", StringComparison.OrdinalIgnoreCase));
        if (providers < 0 || providers + 2 >= segments.Length)
        {
            return (string.Empty, false);
        }

        var rest = segments[(providers + 1)..];
        var types = new List<string>();
        for (var i = 1; i < rest.Length; i += 2)
        {
            types.Add(rest[i]);
        }

        var isCollection = (rest.Length - 1) % 2 == 1;
        return (rest[0] + "/" + string.Join("/", types), isCollection);
    }
}
