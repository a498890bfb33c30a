using System.Collections;
using System.Management.Automation;
using KeepTrusts.PowerShell.Completion;
using System.Net;
using System.Security;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>
/// A policy-checked chat call: in-process with -PolicyConfig (the gateway's chain and routing, no server), or through a
/// running gateway with -GatewayUrl. Strings from the pipeline are this turn's user messages; a KtChatResult from the
/// pipeline (or -History) is the conversation to continue, and is sent as it was, never as a user message.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "KtChat", HelpUri = KtHelpUri.Cmdlets + "invoke-ktchat", DefaultParameterSetName = InProcessSet)]
[OutputType(typeof(KtChatResult))]
public sealed class InvokeKtChatCommand : KtCmdlet
{
    private const string InProcessSet = "PolicyConfig";
    private const string GatewaySet = "GatewayUrl";
    private readonly List<string> _messages = [];
    private KtChatResult? _history;
    private bool _messageFromCommandLine;
    private bool _historyFromCommandLine;

    // No ValidateNotNullOrEmpty: PowerShell also offers a piped KtChatResult to this parameter (as its Content, which
    // is empty after a tool call); ProcessRecord ignores it then, and empty strings are dropped.
    [Parameter(Position = 0, ValueFromPipeline = true)]
    public string[] Message { get; set; } = [];

    /// <summary>The conversation to continue: a previous result (piped or passed).</summary>
    [Parameter(ValueFromPipeline = true)]
    public KtChatResult? History { get; set; }

    [Parameter]
    public string? SystemMessage { get; set; }

    /// <summary>The model to route by; defaults to the history's model, then (in-process) the first configured model.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    /// <summary>By property name too: a piped in-process result continues with its own config.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InProcessSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PolicyConfigPathCompleter))]
    public string PolicyConfig { get; set; } = string.Empty;

    /// <summary>Pin the call to one target id of the policy config.</summary>
    [Parameter(ParameterSetName = InProcessSet)]
    [ArgumentCompleter(typeof(TargetCompleter))]
    public string? Target { get; set; }

    /// <summary>By property name too: a piped result of a gateway call continues through the same gateway.</summary>
    [Parameter(Mandatory = true, ParameterSetName = GatewaySet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(GatewayUrlCompleter))]
    public Uri? GatewayUrl { get; set; }

    /// <summary>The gateway's client key: a string or a SecureString; default $env:KT_API_KEY, then $env:OPENAI_API_KEY.</summary>
    [Parameter(ParameterSetName = GatewaySet)]
    [SecretTransformation]
    public SecureString? ApiKey { get; set; }

    /// <summary>Function definitions (hashtables in OpenAI's shape, or just name/description/parameters).</summary>
    [Parameter]
    public object[]? Tools { get; set; }

    /// <summary>Outputs of the tool calls of the history's last answer, keyed by tool call id.</summary>
    [Parameter]
    public Hashtable? ToolOutput { get; set; }

    [Parameter]
    [ValidateSet("text", "json_object", "json_schema")]
    public string? ResponseFormat { get; set; }

    /// <summary>The JSON schema the answer must follow (implies -ResponseFormat json_schema): a hashtable or JSON text.</summary>
    [Parameter]
    public object? JsonSchema { get; set; }

    /// <summary>Write the answer to the host as it arrives (the result object is still returned).</summary>
    [Parameter]
    public SwitchParameter Stream { get; set; }

    [Parameter]
    [ValidateRange(0.0, 2.0)]
    public double? Temperature { get; set; }

    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int? MaxTokens { get; set; }

    protected override void BeginProcessing()
    {
        // Bound now means bound on the command line; whatever arrives later came down the pipeline.
        _messageFromCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(Message));
        _historyFromCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(History));
        if (_messageFromCommandLine)
        {
            _messages.AddRange(Message.Where(m => !string.IsNullOrEmpty(m)));
        }

        _history = History;
    }

    protected override void ProcessRecord()
    {
        if (!_historyFromCommandLine && History is not null && !ReferenceEquals(History, _history))
        {
            // A previous result: the conversation to continue, never a user message.
            _history = History;
        }
        else if (!_messageFromCommandLine && MyInvocation.ExpectingInput)
        {
            _messages.AddRange(Message.Where(m => !string.IsNullOrEmpty(m)));
        }
    }

    protected override void EndProcessing()
    {
        var history = BuildHistory();
        if (_messages.Count == 0 && ToolOutput is null)
        {
            ThrowTerminating("KtMessageMissing", ErrorCategory.InvalidArgument, null,
                "There is nothing to send: give -Message (or pipe strings), or -ToolOutput to answer the last tool calls.");
        }

        string? configPath = null;
        if (ParameterSetName == InProcessSet && string.IsNullOrEmpty(PolicyConfig))
        {
            // Only reachable when a piped object failed to bind (PowerShell already reported it): say where to send instead.
            ThrowTerminating("KtDestinationMissing", ErrorCategory.InvalidArgument, null,
                "Invoke-KtChat does not know where to send the request: no -PolicyConfig or -GatewayUrl, and nothing piped carried one.",
                "Give -PolicyConfig <file> (in-process) or -GatewayUrl <url>, or pipe a result of Invoke-KtChat, which carries its own.");
        }

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

        if (ParameterSetName == GatewaySet && GatewayUrl is not { IsAbsoluteUri: true, Scheme: "http" or "https" })
        {
            ThrowTerminating("KtInvalidGatewayUrl", ErrorCategory.InvalidArgument, GatewayUrl,
                $"-GatewayUrl '{GatewayUrl}' is not an absolute http or https URL.",
                "Give the gateway's base URL, for example http://127.0.0.1:8080 (Get-KtGateway lists the running ones and their Url).");
        }

        var model = Model ?? _history?.RoutingModel;
        if (configPath is null && model is null)
        {
            ThrowTerminating("KtModelRequired", ErrorCategory.InvalidArgument, GatewayUrl,
                "-Model is required with -GatewayUrl, because the gateway routes by model name.", "Pass -Model (Tab completes the models of running gateways).");
        }

        ChatCall request;
        try
        {
            request = new ChatCall(_messages, SystemMessage, model, Target, Stream, Temperature, MaxTokens)
            {
                History = history,
                ToolsJson = Tools is null ? null : PowerShellJson.ToJson(Tools),
                ResponseFormat = ResponseFormat,
                JsonSchemaJson = JsonSchema is null ? null : PowerShellJson.ToJson(JsonSchema),
            };
        }
        catch (ArgumentException ex)
        {
            ThrowTerminating("KtInvalidArgument", ErrorCategory.InvalidArgument, null, ex.Message, "Give -Tools and -JsonSchema as hashtables or JSON text.");
            return;
        }

        WriteVerbose(configPath is not null ? $"Chat in-process with {configPath}" : $"Chat through {GatewayUrl}");
        var apiKey = configPath is null ? ResolveApiKey() : null;
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
        catch (Exception ex) when (ChatCalls.Describe(ex, inProcess: configPath is not null) is { } failure)
        {
            if (Stream)
            {
                Host.UI.WriteLine();
            }

            WriteVerbose($"{ex.GetType().Name}: {ex.Message}");
            ThrowTerminating(failure.Id, failure.Category, failure.Target, failure.Message, failure.Fix, ex);
        }
    }

    /// <summary>The previous conversation, then one tool message per -ToolOutput entry.</summary>
    private List<KtChatMessage> BuildHistory()
    {
        var history = _history?.Messages.ToList() ?? [];
        if (ToolOutput is null)
        {
            return history;
        }

        var asked = _history?.ToolCalls.Select(c => c.Id).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (DictionaryEntry output in ToolOutput)
        {
            var id = output.Key.ToString()!;
            if (_history is not null && !asked.Contains(id))
            {
                ThrowTerminating("KtToolCallNotFound", ErrorCategory.ObjectNotFound, id,
                    $"-ToolOutput names tool call '{id}', which the last answer did not ask for (it asked for: {string.Join(", ", asked.DefaultIfEmpty("none"))}).");
            }

            var value = output.Value is PSObject ps ? ps.BaseObject : output.Value;
            history.Add(new KtChatMessage { Role = "tool", ToolCallId = id, Content = value as string ?? PowerShellJson.ToJson(output.Value) });
        }

        return history;
    }

    private string? ResolveApiKey() => GatewayClientKey.Resolve(
        ApiKey is null ? null : new NetworkCredential(string.Empty, ApiKey).Password,
        name => WriteVerbose($"Using the gateway key from ${name}"));
}
