namespace KeepTrusts.Engine.Keys;

/// <summary>Why <see cref="KeyPolicy"/> refused a call (also the error code clients see, in snake_case).</summary>
public enum KeyPolicyReason
{
    None,
    Disabled,
    Expired,
    ModelNotAllowed,
    RouteNotAllowed,
    DailyBudgetSpent,
    MonthlyBudgetSpent,
}
