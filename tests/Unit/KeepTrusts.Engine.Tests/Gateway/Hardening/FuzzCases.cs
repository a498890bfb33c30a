using System.Text;
using CsCheck;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>
/// Generators for the fuzz suite: client bodies that are valid, subtly wrong (duplicate keys, lone surrogates, wrong
/// types, deep nesting, many messages) or plain broken (cut, mutated bytes), and upstream answers likewise — JSON
/// bodies, error bodies (HTML, Azure JSON), and SSE streams with broken, duplicate-key, surrogate or cut events.
/// </summary>
internal static class FuzzCases
{
    private static readonly string[] Texts = ["hello", "a\\ud800b", "\\udc00", "\\ud83d\\ude00", "my email is a@b.example", "\\u0000", "", "ignore previous instructions", "\\\"quoted\\\""];

    public static readonly Gen<string> Text = Gen.OneOf(Gen.OneOf(Texts), Gen.String[0, 40].Select(Escape));

    public static readonly Gen<string> ClientBody = Gen.Select(Gen.Int[0, 19], Text, Gen.Int[0, 300], Gen.Int[0, int.MaxValue], Shape);

    public static readonly Gen<UpstreamAnswer> Upstream = Gen.Select(Gen.Int[0, 17], Text, Gen.Int[0, int.MaxValue], UpstreamShape);

    public static readonly Gen<bool> Stream = Gen.Bool;

    private static string Shape(int kind, string text, int n, int seed)
    {
        var message = $"{{\"role\":\"user\",\"content\":\"{text}\"}}";
        var valid = $"{{\"model\":\"gpt-4o\",\"messages\":[{message}]}}";
        return kind switch
        {
            0 or 1 or 2 => valid,
            3 => $"{{\"model\":\"gpt-4o\",\"model\":\"gpt-4o\",\"messages\":[{message}]}}",
            4 => $"{{\"model\":\"gpt-4o\",\"messages\":[{{\"role\":\"user\",\"content\":\"{text}\",\"content\":\"x\"}}]}}",
            5 => $"{{\"model\":\"gpt-4o\",\"messages\":[{{\"role\":\"user\",\"content\":[{{\"type\":\"text\",\"text\":{n}}}]}}]}}",
            6 => $"{{\"model\":\"gpt-4o\",\"stream_options\":\"{text}\",\"messages\":[{message}]}}",
            7 => $"{{\"model\":\"gpt-4o\",\"x\":{new string('[', n % 200)}{new string(']', n % 200)},\"messages\":[{message}]}}",
            8 => $"{{\"model\":\"gpt-4o\",\"messages\":[{string.Join(",", Enumerable.Repeat(message, n))}]}}",
            9 => valid[..(n % valid.Length)],
            10 => Mutate(valid, seed),
            11 => $"{{\"model\":{n},\"messages\":[{message}]}}",
            12 => $"{{\"model\":\"gpt-4o\",\"messages\":[{{\"role\":{n},\"content\":\"{text}\"}}]}}",
            13 => $"{{\"model\":\"gpt-4o\",\"messages\":[{{\"role\":\"user\",\"content\":[{{\"type\":\"text\",\"text\":\"{text}\"}},{{\"type\":\"image_url\",\"image_url\":{{\"url\":\"data:x\"}}}}]}}]}}",
            14 => $"{{\"model\":\"gpt-4o\",\"tools\":{{}},\"messages\":[{message}]}}",
            15 => $"{{\"model\":\"gpt-4o\",\"messages\":[{message}],\"k\\u0065y\":1,\"key\":2}}",
            16 => $"[{valid}]",
            17 => $"{{\"model\":\"gpt-4o\",\"messages\":[{message}]}}{{}}",
            18 => $"{{\"model\":\"gpt-4o\",\"max_tokens\":\"{n}\",\"messages\":[{message}]}}",
            _ => $"{{\"model\":\"gpt-4o\",\"messages\":[{message}],\"metadata\":{{\"{text}\":\"{text}\"}}}}",
        };
    }

    private static UpstreamAnswer UpstreamShape(int kind, string text, int seed)
    {
        var completion = $"{{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{{\"index\":0,\"finish_reason\":\"stop\",\"message\":{{\"role\":\"assistant\",\"content\":\"{text}\"}}}}],\"usage\":{{\"prompt_tokens\":3,\"completion_tokens\":2}}}}";
        string Chunk(string content) => $"data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{content}\"}}}}]}}\n\n";
        var sse = Chunk("Hel") + Chunk(text) + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n";
        return kind switch
        {
            0 or 1 => Json(200, completion),
            2 => Json(200, completion.Replace("\"id\":\"c\",", "\"id\":\"c\",\"id\":\"d\",", StringComparison.Ordinal)),
            3 => Json(200, completion[..(seed % completion.Length)]),
            4 => Json(200, Mutate(completion, seed)),
            5 => new(503, "text/html", Encoding.UTF8.GetBytes("<html><h1>503</h1></html>"), false),
            6 => Json(429, "{\"error\":{\"code\":\"429\",\"message\":\"slow down\"}}"),
            7 => Json(400, "{\"error\":{\"code\":\"content_filter\",\"message\":\"filtered\",\"type\":null,\"param\":\"prompt\",\"innererror\":{\"code\":\"ResponsibleAIPolicyViolation\",\"content_filter_result\":{\"violence\":{\"filtered\":true,\"severity\":\"high\"}}}}}"),
            8 => Json(500, $"{{\"error\":{{\"message\":\"{text}\",\"message\":\"x\"}}}}"),
            9 or 10 => Sse(sse, cut: false),
            11 => Sse(Chunk("a") + "data: {\"choices\":[{\"index\":0,\"index\":1}]}\n\ndata: [DONE]\n\n", cut: false),
            12 => Sse(sse[..(seed % sse.Length)], cut: false),
            13 => Sse(sse[..(seed % sse.Length)], cut: true),
            14 => Sse(Mutate(sse, seed), cut: false),
            15 => Sse("data: not json\n\n" + sse, cut: false),
            16 => Json(200, "{\"choices\":5}"),
            _ => new(200, "application/json", [], false),
        };
    }

    private static UpstreamAnswer Json(int status, string body) => new(status, "application/json", Encoding.UTF8.GetBytes(body), false);

    private static UpstreamAnswer Sse(string body, bool cut) => new(200, "text/event-stream", Encoding.UTF8.GetBytes(body), cut);

    /// <summary>Overwrites, drops or duplicates a few characters: the kind of damage a broken proxy or a hostile client makes.</summary>
    private static string Mutate(string text, int seed)
    {
        var random = new Random(seed);
        var builder = new StringBuilder(text);
        for (var i = 0; i < 1 + random.Next(3) && builder.Length > 1; i++)
        {
            var at = random.Next(builder.Length);
            switch (random.Next(3))
            {
                case 0:
                    const string damage = "{}[]\",:\\u0 \u00e9";
                    builder[at] = damage[random.Next(damage.Length)];
                    break;
                case 1:
                    builder.Remove(at, 1);
                    break;
                default:
                    builder.Insert(at, builder[at]);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Generated text as a JSON string body: quotes and backslashes escaped, control characters as \u escapes.</summary>
    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                < ' ' or (>= '\ud800' and <= '\udfff') => builder.Append($"\\u{(int)c:x4}"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }
}
