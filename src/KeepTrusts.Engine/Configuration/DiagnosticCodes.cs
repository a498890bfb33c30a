namespace KeepTrusts.Engine.Configuration;

/// <summary>Stable codes of policy-config diagnostics (documented in docs/policy-config.md); scripts may match on them.</summary>
public static class DiagnosticCodes
{
    public const string FileUnreadable = "KT1000";
    public const string YamlSyntax = "KT1001";
    public const string UnknownKey = "KT1002";
    public const string MissingField = "KT1003";
    public const string WrongType = "KT1004";
    public const string InvalidValue = "KT1005";
    public const string DuplicateTargetId = "KT1006";
    public const string UnknownPolicy = "KT1007";
    public const string OutOfRange = "KT1008";
    public const string InvalidUrl = "KT1009";
    public const string DuplicateKey = "KT1010";
    public const string UnsupportedAction = "KT1011";
    public const string DuplicateChainEntry = "KT1012";
    public const string InvalidHeader = "KT1013";
    public const string ModelFileInvalid = "KT1014";

    public const string DefaultApiVersion = "KT2001";
    public const string SecretEnvMissing = "KT2002";
    public const string PolicyNotInChain = "KT2003";
    public const string IgnoredField = "KT2004";
    public const string PackDisabled = "KT2005";
    public const string PathTemplateWithoutDeployment = "KT2006";
    public const string UnreachableTarget = "KT2007";
}
