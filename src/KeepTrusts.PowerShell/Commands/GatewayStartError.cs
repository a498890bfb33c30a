using System.Management.Automation;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>How Start-KtGateway reports a gateway that did not start: error id, category, one sentence, the fix, the log tail.</summary>
internal sealed record GatewayStartError(string ErrorId, ErrorCategory Category, string Message, string RecommendedAction, string[] LogTail);
