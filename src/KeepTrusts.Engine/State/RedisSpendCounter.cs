using System.Globalization;
using StackExchange.Redis;

namespace KeepTrusts.Engine.State;

/// <summary>
/// Spend per key shared by every replica, counted in micro-USD (integers, so increments from many replicas add up
/// exactly). Periods are UTC days and months by this replica's clock. While Redis is away, spend is counted locally.
/// </summary>
public sealed class RedisSpendCounter : ISpendCounter
{
    private readonly RedisGatewayStateStore _store;
    private readonly TimeProvider _time;
    private readonly LocalSpendCounter _local;

    internal RedisSpendCounter(RedisGatewayStateStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _local = new LocalSpendCounter(time);
    }

    public async ValueTask<SpendTotals> AddAsync(string keyId, decimal usd, CancellationToken cancellationToken = default)
    {
        var micro = (long)Math.Round(usd * 1_000_000m, MidpointRounding.AwayFromZero);
        var result = await _store.TryEvaluateAsync(RedisScripts.SpendAdd, Keys(keyId), [micro]).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return _local.Add(keyId, usd);
        }

        var values = (RedisResult[])result!;
        return new SpendTotals((long)values[0] / 1_000_000m, (long)values[1] / 1_000_000m);
    }

    public ValueTask<SpendTotals> GetAsync(string keyId, CancellationToken cancellationToken = default) => AddAsync(keyId, 0m, cancellationToken);

    private RedisKey[] Keys(string keyId)
    {
        var now = _time.GetUtcNow();
        var prefix = _store.KeyPrefix + "spend:" + keyId;
        return
        [
            prefix + ":d:" + now.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            prefix + ":m:" + now.ToString("yyyyMM", CultureInfo.InvariantCulture),
        ];
    }
}
