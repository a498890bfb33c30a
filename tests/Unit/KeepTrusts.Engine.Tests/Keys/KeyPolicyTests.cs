using KeepTrusts.Engine.Keys;
using KeepTrusts.Engine.State;

namespace KeepTrusts.Engine.Tests.Keys;

public sealed class KeyPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static VirtualKey Key(Func<VirtualKey, VirtualKey>? change = null)
    {
        var key = new VirtualKey { Id = "vk_1", Alias = "team-a", SecretHash = Convert.ToBase64String(new byte[32]) };
        return change is null ? key : change(key);
    }

    private static KeyPolicyDecision Check(VirtualKey key, string model = "gpt-4o", string route = "/v1/chat/completions", decimal day = 0, decimal month = 0) =>
        KeyPolicy.Check(key, model, route, new SpendTotals(day, month), Now);

    [Fact]
    public void Key_without_restrictions_may_call_anything()
    {
        var decision = Check(Key(), model: "any-model", route: "/v1/embeddings", day: 1_000m, month: 1_000m);

        Assert.True(decision.Allowed);
        Assert.Equal(KeyPolicyReason.None, decision.Reason);
    }

    [Fact]
    public void Disabled_key_is_refused_with_401()
    {
        var decision = Check(Key(k => k with { Disabled = true }));

        Assert.Equal(KeyPolicyReason.Disabled, decision.Reason);
        Assert.Equal(401, decision.StatusCode);
        Assert.Contains("team-a", decision.Message);
    }

    [Fact]
    public void Key_expires_at_its_expiry_time_not_before()
    {
        Assert.True(Check(Key(k => k with { ExpiresAt = Now.AddSeconds(1) })).Allowed);

        var decision = Check(Key(k => k with { ExpiresAt = Now }));

        Assert.Equal(KeyPolicyReason.Expired, decision.Reason);
        Assert.Equal(401, decision.StatusCode);
        Assert.Contains("2026-12-05 12:00:00Z", decision.Message);
    }

    [Fact]
    public void Model_outside_the_allow_list_is_refused_with_403_naming_the_allowed_ones()
    {
        var key = Key(k => k with { AllowedModels = ["gpt-4o", "gpt-4o-mini"] });

        Assert.True(Check(key, model: "gpt-4o-mini").Allowed);
        var decision = Check(key, model: "o1");

        Assert.Equal(KeyPolicyReason.ModelNotAllowed, decision.Reason);
        Assert.Equal(403, decision.StatusCode);
        Assert.Contains("gpt-4o, gpt-4o-mini", decision.Message);
    }

    [Fact]
    public void Route_outside_the_allow_list_is_refused()
    {
        var key = Key(k => k with { AllowedRoutes = ["/v1/embeddings"] });

        Assert.True(Check(key, route: "/v1/embeddings").Allowed);
        Assert.Equal(KeyPolicyReason.RouteNotAllowed, Check(key, route: "/v1/chat/completions").Reason);
    }

    [Fact]
    public void Spent_daily_or_monthly_budget_is_refused_with_429()
    {
        var key = Key(k => k with { BudgetUsdPerDay = 5m, BudgetUsdPerMonth = 50m });

        Assert.True(Check(key, day: 4.99m, month: 49.99m).Allowed);
        var daily = Check(key, day: 5m, month: 10m);
        var monthly = Check(key, day: 1m, month: 50m);

        Assert.Equal(KeyPolicyReason.DailyBudgetSpent, daily.Reason);
        Assert.Equal(429, daily.StatusCode);
        Assert.Contains("5.00 USD", daily.Message);
        Assert.Equal(KeyPolicyReason.MonthlyBudgetSpent, monthly.Reason);
    }

    [Fact]
    public void Budget_check_uses_spend_counted_by_the_state_store()
    {
        var spend = new LocalSpendCounter(TimeProvider.System);
        var key = Key(k => k with { BudgetUsdPerDay = 1m });
        spend.Add("team-a", 0.6m);
        Assert.True(KeyPolicy.Check(key, "gpt-4o", "/v1/chat/completions", spend.Add("team-a", 0m), Now).Allowed);

        spend.Add("team-a", 0.4m);

        Assert.False(KeyPolicy.Check(key, "gpt-4o", "/v1/chat/completions", spend.Add("team-a", 0m), Now).Allowed);
    }
}
