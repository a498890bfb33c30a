using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;
using KeepTrusts.Engine.Azure;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Policies.PromptInjection.Layers;

/// <summary>
/// The <c>prompt_shields</c> layer: Azure AI Content Safety Prompt Shields,
/// <c>POST {endpoint}/contentsafety/text:shieldPrompt?api-version=2024-09-01</c> with
/// <c>{"userPrompt": ..., "documents": [...]}</c>. User and system text is the user prompt; tool results are documents.
/// Text over the service's per-call limits is split over up to max_calls calls. Timeouts and HTTP errors come back as
/// <see cref="LayerOutcome.Failed"/> (on_error decides); the key or token never appears in a reason.
/// </summary>
internal sealed class PromptShieldsLayer : IInjectionLayer
{
    private readonly PromptShieldsOptions _options;
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly Func<string, string?> _readEnvironment;
    private readonly EntraTokenSource? _tokens;

    public PromptShieldsLayer(PromptShieldsOptions options, HttpMessageHandler? handler = null, Func<string, string?>? readEnvironment = null, TokenCredential? credential = null)
    {
        _options = options;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
        {
            // The per-call timeout is ours (timeout_ms), so that a timeout is told apart from the caller going away.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _url = new Uri($"{options.Endpoint.TrimEnd('/')}/contentsafety/text:shieldPrompt?api-version={PromptShieldsOptions.ApiVersion}");
        _readEnvironment = readEnvironment ?? Environment.GetEnvironmentVariable;
        _tokens = options.Auth.Type == PromptShieldsAuthType.ApiKey
            ? null
            : new EntraTokenSource(
                credential ?? EntraTokenSource.CreateCredential(options.Auth.Type == PromptShieldsAuthType.ManagedIdentity, options.Auth.ClientId),
                options.Auth.Scope);
    }

    public string Name => "prompt_shields";

    public InjectionLayerWhen When => _options.When;

    public double UndecidedFrom => _options.UndecidedFrom;

    public bool AlwaysForDocuments => _options.AlwaysForDocuments;

    public LayerErrorOutcome OnError => _options.OnError;

    public async ValueTask<LayerVerdict> EvaluateAsync(IReadOnlyList<TextSegment> segments, CancellationToken cancellationToken)
    {
        var calls = PromptShieldsCalls.Split(segments, _options);
        foreach (var call in calls.Calls)
        {
            var verdict = await SendAsync(call, cancellationToken).ConfigureAwait(false);
            if (verdict.Outcome != LayerOutcome.Benign)
            {
                return verdict;
            }
        }

        var unsent = calls.Unsent ? string.Create(CultureInfo.InvariantCulture, $", text past {_options.MaxCalls} call(s) not sent") : string.Empty;
        return new LayerVerdict(LayerOutcome.Benign, 0, string.Create(CultureInfo.InvariantCulture, $"no attack detected ({calls.Calls.Count} call(s){unsent})"));
    }

    private async Task<LayerVerdict> SendAsync(PromptShieldsCall call, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.TimeoutMs);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _url)
            {
                Content = new ByteArrayContent(call.ToJson()) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            var failure = await AuthenticateAsync(request, timeout.Token).ConfigureAwait(false);
            if (failure is not null)
            {
                return new LayerVerdict(LayerOutcome.Failed, 0, failure);
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new LayerVerdict(LayerOutcome.Failed, 0, string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}{ErrorCode(body)}"));
            }

            return Read(body, call);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new LayerVerdict(LayerOutcome.Failed, 0, string.Create(CultureInfo.InvariantCulture, $"timed out after {_options.TimeoutMs} ms"));
        }
        catch (HttpRequestException ex)
        {
            return new LayerVerdict(LayerOutcome.Failed, 0, $"unreachable ({ex.HttpRequestError})");
        }
    }

    private static LayerVerdict Read(byte[] body, PromptShieldsCall call)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.TryGetProperty("userPromptAnalysis", out var prompt) && prompt.TryGetProperty("attackDetected", out var promptAttack) && promptAttack.GetBoolean())
            {
                return new LayerVerdict(LayerOutcome.Injection, 1, $"user prompt attack detected ({call.PromptSources})", call.PromptSources);
            }

            if (root.TryGetProperty("documentsAnalysis", out var documents) && documents.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var document in documents.EnumerateArray())
                {
                    if (document.TryGetProperty("attackDetected", out var attack) && attack.GetBoolean() && index < call.DocumentSources.Count)
                    {
                        return new LayerVerdict(LayerOutcome.Injection, 1, $"document attack detected in {call.DocumentSources[index]}", call.DocumentSources[index]);
                    }

                    index++;
                }
            }

            return new LayerVerdict(LayerOutcome.Benign, 0, "no attack detected");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return new LayerVerdict(LayerOutcome.Failed, 0, "answer is not the shieldPrompt response shape");
        }
    }

    private async ValueTask<string?> AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_tokens is null)
        {
            var variable = _options.Auth.SecretKeyRef?.Env ?? string.Empty;
            var key = _readEnvironment(variable);
            if (string.IsNullOrEmpty(key))
            {
                return $"no key: environment variable '{variable}' is not set";
            }

            request.Headers.TryAddWithoutValidation("Ocp-Apim-Subscription-Key", key);
            return null;
        }

        try
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false));
            return null;
        }
        catch (AuthenticationFailedException ex)
        {
            return $"no Entra ID token ({ExceptionText.FirstLine(ex.Message)})";
        }
    }

    private static string ErrorCode(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? $" {code.GetString()}"
                : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _tokens?.Dispose();
    }
}
