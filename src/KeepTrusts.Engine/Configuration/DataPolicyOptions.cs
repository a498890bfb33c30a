namespace KeepTrusts.Engine.Configuration;

/// <summary><c>data_policy</c>: data-handling facts recorded in the audit trail.</summary>
public sealed class DataPolicyOptions : ConfigSection
{
    [ConfigKey("training_opt_out")]
    public bool TrainingOptOut { get; set; }

    [ConfigKey("zero_data_retention")]
    public bool ZeroDataRetention { get; set; }

    [ConfigKey("region")]
    public string? Region { get; set; }

    [ConfigKey("notes")]
    public string? Notes { get; set; }
}
