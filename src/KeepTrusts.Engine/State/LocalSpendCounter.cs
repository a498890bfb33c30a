using System.Collections.Concurrent;

namespace KeepTrusts.Engine.State;

/// <summary>Spend in this process only; periods roll over by UTC date. Bounded by the number of keys.</summary>
public sealed class LocalSpendCounter(TimeProvider time) : ISpendCounter
{
    private readonly ConcurrentDictionary<string, Totals> _byKey = new(StringComparer.Ordinal);

    public ValueTask<SpendTotals> AddAsync(string keyId, decimal usd, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Add(keyId, usd));

    public ValueTask<SpendTotals> GetAsync(string keyId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Add(keyId, 0m));

    /// <summary>Adds to the local totals; also used by the Redis counter while Redis is away.</summary>
    public SpendTotals Add(string keyId, decimal usd)
    {
        var now = time.GetUtcNow();
        var day = now.Year * 10000 + now.Month * 100 + now.Day;
        var month = now.Year * 100 + now.Month;
        var totals = _byKey.GetOrAdd(keyId, _ => new Totals());
        lock (totals)
        {
            if (totals.DayStamp != day)
            {
                totals.DayStamp = day;
                totals.Day = 0;
            }

            if (totals.MonthStamp != month)
            {
                totals.MonthStamp = month;
                totals.Month = 0;
            }

            totals.Day += usd;
            totals.Month += usd;
            return new SpendTotals(totals.Day, totals.Month);
        }
    }

    private sealed class Totals
    {
        public int DayStamp;
        public int MonthStamp;
        public decimal Day;
        public decimal Month;
    }
}
