using System.Management.Automation;
using System.Net;
using System.Security;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>
/// A policy-checked chat call: in-process with -PolicyConfig (the gateway's chain and routing, no server), or through a
/// running gateway with -GatewayUrl. Messages may come from the pipeline; they form one conversation.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "KtChat", DefaultParameterSetName = InProcessSet)]
[OutputType(typeof(KtChatResult))]
public sealed class InvokeKtChatCommand : KtCmdlet
{
    private const string InProcessSet = "PolicyConfig";
    private const string GatewaySet = "GatewayUrl";
    private readonly List<string> _messages = [];

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string[] Message { get; set; } = [];

    [Parameter]
    public string? SystemMessage { get; set; }

    /// <summary>The model to route by; with -PolicyConfig it defaults to the first configured model.</summary>
    [Parameter]
    public string? Model { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = InProcessSet)]
    [ValidateNotNullOrEmpty]
    public string PolicyConfig { get; set; } = string.Empty;

    /// <summary>Pin the call to one target id of the policy config.</summary>
    [Parameter(ParameterSetName = InProcessSet)]
    public string? Target { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = GatewaySet)]
    public Uri? GatewayUrl { get; set; }

    /// <summary>The gateway's client key, when it requires one.</summary>
    [Parameter(ParameterSetName = GatewaySet)]
    public SecureString? ApiKey { get; set; }

    /// <summary>Write the answer to the host as it arrives (the result object is still returned).</summary>
    [Parameter]
    public SwitchParameter Stream { get; set; }

    [Parameter]
    [ValidateRange(0.0, 2.0)]
    public double? Temperature { get; set; }

    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int? MaxTokens { get; set; }

    protected override void ProcessRecord() => _messages.AddRange(Message);

    protected override void EndProcessing()
    {
        string? configPath = null;
        if (ParameterSetName == InProcessSet)
        {
            configPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(PolicyConfig);
            var validation = ConfigValidation.Validate(configPath);
            if (!validation.IsValid)
            {
                ThrowTerminating("PolicyConfigInvalid", ErrorCategory.InvalidData, configPath,
                    $"The policy config has {validation.Errors.Length} error(s):{Environment.NewLine}" + string.Join(Environment.NewLine, validation.Errors.Select(e => "  " + e)),
                    "Fix the errors listed (see Test-KtPolicyConfig), then call again.");
            }
        }

        WriteVerbose(configPath is not null ? $"Chat in-process with {configPath}" : $"Chat through {GatewayUrl}");
        var request = new ChatCall(_messages, SystemMessage, Model, Target, Stream, Temperature, MaxTokens);
        var apiKey = ApiKey is null ? null : new NetworkCredential(string.Empty, ApiKey).Password;
        Action<string>? onText = Stream ? text => Post(() => Host.UI.Write(text)) : null;
        try
        {
            var result = RunOnPipeline(token => configPath is not null
                ? ChatCalls.InProcessAsync(configPath, request, onText, token)
                : ChatCalls.ThroughGatewayAsync(GatewayUrl!, apiKey, request, onText, token));
            if (Stream)
            {
                Host.UI.WriteLine();
            }

            WriteObject(result);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ChatCalls.Describe(ex) is { } failure)
        {
            if (Stream)
            {
                Host.UI.WriteLine();
            }

            ThrowTerminating(failure.Id, failure.Category, failure.Target, failure.Message, failure.Fix);
        }
    }
}
