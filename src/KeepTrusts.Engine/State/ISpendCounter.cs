namespace KeepTrusts.Engine.State;

/// <summary>USD spent per key (from target <c>pricing</c>), per UTC day and UTC month.</summary>
public interface ISpendCounter
{
    /// <summary>Adds <paramref name="usd"/> to today's and this month's totals of <paramref name="keyId"/>; returns the new totals.</summary>
    ValueTask<SpendTotals> AddAsync(string keyId, decimal usd, CancellationToken cancellationToken = default);

    ValueTask<SpendTotals> GetAsync(string keyId, CancellationToken cancellationToken = default);
}
