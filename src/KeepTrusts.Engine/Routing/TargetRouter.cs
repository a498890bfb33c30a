using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.State;

namespace KeepTrusts.Engine.Routing;

/// <summary>
/// Picks, for a client's model, the targets to try in order: single (the first), fallback (listed order)
/// or weighted round robin (smooth weighted order, then the rest as fallbacks). Circuit-open targets go last,
/// so they are only tried when nothing else is left.
/// </summary>
public sealed class TargetRouter
{
    private readonly RoutingStrategy _strategy;
    private readonly Dictionary<string, TargetState[]> _byModel;
    private readonly Dictionary<string, SmoothWeightedRoundRobin> _weighted = new(StringComparer.Ordinal);

    /// <param name="state">Where breakers and limits live; null: in this process (<see cref="LocalGatewayStateStore"/>).</param>
    public TargetRouter(PolicyConfig config, TimeProvider time, IGatewayStateStore? state = null)
    {
        _strategy = config.Providers.EffectiveStrategy;
        state ??= new LocalGatewayStateStore(time);
        Targets = config.Providers.Targets.Select(t => new TargetState(t, config.Providers, state)).ToArray();
        _byModel = Targets.GroupBy(t => t.Options.Model, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        foreach (var (model, targets) in _byModel)
        {
            _weighted[model] = new SmoothWeightedRoundRobin(targets.Select(t => t.Options.Weight).ToArray());
        }
    }

    public IReadOnlyList<TargetState> Targets { get; }

    /// <summary>The models clients may ask for, in first-configured order.</summary>
    public IEnumerable<string> Models => Targets.Select(t => t.Options.Model).Distinct(StringComparer.Ordinal);

    public TargetState? Find(string id) => Targets.FirstOrDefault(t => t.Id == id);

    /// <summary>The targets to try for <paramref name="model"/>, best first; empty when no target serves it.</summary>
    public IReadOnlyList<TargetState> Candidates(string model)
    {
        if (!_byModel.TryGetValue(model, out var targets))
        {
            return [];
        }

        switch (_strategy)
        {
            case RoutingStrategy.Single:
                return [targets[0]];
            case RoutingStrategy.Fallback:
                return AvailableFirst(targets);
            default:
                var weighted = _weighted[model];
                var ordered = new TargetState[targets.Length];
                var first = weighted.Next(i => targets[i].Health.IsAvailable);
                var n = 0;
                if (first >= 0)
                {
                    ordered[n++] = targets[first];
                }

                foreach (var target in AvailableFirst(targets))
                {
                    if (n == 0 || !ReferenceEquals(target, ordered[0]))
                    {
                        ordered[n++] = target;
                    }
                }

                return ordered;
        }
    }

    private static TargetState[] AvailableFirst(TargetState[] targets)
    {
        if (Array.TrueForAll(targets, t => t.Health.IsAvailable))
        {
            return targets;
        }

        return targets.Where(t => t.Health.IsAvailable)
            .Concat(targets.Where(t => !(t.Health.IsAvailable)))
            .ToArray();
    }
}
