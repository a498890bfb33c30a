namespace KeepTrusts.Engine.Gateway.Input;

/// <summary>
/// Why a JSON body broke the input contract: <see cref="Reason"/> is a short metric label (duplicate_key,
/// lone_surrogate, too_deep, too_many_items, too_many_messages, wrong_type, invalid_json), <see cref="Message"/> says
/// what and where, <see cref="Field"/> names the top-level field when one is to blame.
/// </summary>
public sealed record JsonViolation(string Reason, string Message, string? Field = null);
