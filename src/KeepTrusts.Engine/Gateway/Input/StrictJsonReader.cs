using System.Buffers;
using System.Text;
using System.Text.Json;

namespace KeepTrusts.Engine.Gateway.Input;

/// <summary>
/// The one input contract for JSON the gateway reads, from clients and from upstreams, checked in one forward pass of
/// <see cref="Utf8JsonReader"/> before anything is deserialized: valid UTF-8, one well-formed value, no duplicate keys
/// (compared unescaped, so <c>"a"</c> and <c>"\u0061"</c> collide), no lone surrogate escapes in keys or strings,
/// bounded depth and items per container, and — for client requests — the message count and the JSON kinds of the
/// top-level fields upstreams read. System.Text.Json on net8.0 keeps the last of duplicate keys and throws an
/// InvalidOperationException on a lone surrogate, so both would otherwise become a parser differential or a 500.
/// Keys of the objects still open are kept as slices of the body (escaped ones unescaped into a pooled buffer).
/// </summary>
public static class StrictJsonReader
{
    public static JsonViolation? Check(ReadOnlySpan<byte> json, StrictJsonRules rules)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            return new("invalid_json", "it is not valid UTF-8");
        }

        var scan = new Scan(rules);
        try
        {
            return scan.Run(json);
        }
        catch (JsonException ex)
        {
            return new("invalid_json", Describe(ex));
        }
        finally
        {
            scan.Dispose();
        }
    }

    /// <summary>A reader's syntax error for a client: its words without .NET's path suffix, then line and byte from 1.</summary>
    internal static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return string.Create(CultureInfo.InvariantCulture, $"{Trim(cut > 0 ? message[..cut] : message)} (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1})");
    }

    private static string Trim(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    /// <summary>True when the escaped text holds a \uD800-\uDFFF escape that is not half of a high-low pair.</summary>
    internal static bool HasLoneSurrogate(ReadOnlySpan<byte> escaped)
    {
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != (byte)'\\')
            {
                continue;
            }

            i++;
            if (i >= escaped.Length || escaped[i] != (byte)'u' || !TryHex(escaped, i + 1, out var unit))
            {
                continue;
            }

            i += 4;
            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return true;
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 2 < escaped.Length && escaped[i + 1] == (byte)'\\' && escaped[i + 2] == (byte)'u' && TryHex(escaped, i + 3, out var low) && low is >= 0xDC00 and <= 0xDFFF)
                {
                    i += 6;
                    continue;
                }

                return true;
            }
        }

        return false;
    }

    private static bool TryHex(ReadOnlySpan<byte> text, int start, out int value)
    {
        value = 0;
        if (start + 4 > text.Length)
        {
            return false;
        }

        for (var k = 0; k < 4; k++)
        {
            var c = text[start + k];
            var digit = c is >= (byte)'0' and <= (byte)'9' ? c - '0' : c is >= (byte)'a' and <= (byte)'f' ? c - 'a' + 10 : c is >= (byte)'A' and <= (byte)'F' ? c - 'A' + 10 : -1;
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    /// <summary>The expected JSON kinds of top-level request fields that upstreams (and the echo target) read as such.</summary>
    private static JsonViolation? CheckTopLevelKind(string name, JsonTokenType token)
    {
        if (token == JsonTokenType.Null)
        {
            return null;
        }

        var (ok, expected) = name switch
        {
            "stream_options" or "response_format" or "logit_bias" or "metadata" => (token == JsonTokenType.StartObject, "an object"),
            "tools" or "functions" => (token == JsonTokenType.StartArray, "an array"),
            "stream" or "parallel_tool_calls" or "store" or "logprobs" => (token is JsonTokenType.True or JsonTokenType.False, "true or false"),
            "n" or "temperature" or "top_p" or "seed" or "max_tokens" or "max_completion_tokens" or "max_output_tokens" or "presence_penalty" or "frequency_penalty" or "top_logprobs"
                => (token == JsonTokenType.Number, "a number"),
            "model" or "user" => (token == JsonTokenType.String, "a string"),
            "stop" => (token is JsonTokenType.String or JsonTokenType.StartArray, "a string or an array of strings"),
            _ => (true, string.Empty),
        };
        return ok ? null : new("wrong_type", $"'{name}' must be {expected}.", name);
    }

    private struct Frame
    {
        public bool IsObject;
        public int Items;
        public int KeysStart;
        public bool IsMessages;
        public bool Indexed;
        public int Serial;
    }

    /// <summary>
    /// The top-level fields of requests and answers, as strings made once: every body has several, and a string per
    /// field per body was a visible share of each request's allocations.
    /// </summary>
    private static readonly (byte[] Utf8, string Name)[] KnownNames = [.. new[]
    {
        "model", "messages", "input", "stream", "stream_options", "max_tokens", "max_completion_tokens", "max_output_tokens",
        "temperature", "top_p", "n", "stop", "user", "tools", "tool_choice", "response_format", "instructions", "metadata",
        "id", "object", "created", "created_at", "choices", "usage", "prompt_filter_results", "system_fingerprint", "output",
        "status", "data", "encoding_format", "dimensions", "error",
    }.Select(n => (Encoding.UTF8.GetBytes(n), n))];

    private static string? KnownName(ReadOnlySpan<byte> utf8)
    {
        foreach (var (bytes, name) in KnownNames)
        {
            if (utf8.SequenceEqual(bytes))
            {
                return name;
            }
        }

        return null;
    }

    private sealed class Scan(StrictJsonRules rules) : IDisposable
    {
        private Frame[] _frames = ArrayPool<Frame>.Shared.Rent(Math.Min(rules.MaxDepth + 2, 258));
        private KeyRef[] _keys = ArrayPool<KeyRef>.Shared.Rent(64);
        private byte[] _side = ArrayPool<byte>.Shared.Rent(256);
        private int _keyCount;
        private int _sideUsed;
        private const int IndexFrom = 32;
        private Dictionary<(int, int), int>? _index;
        private int _depth;
        private int _serial;

        public JsonViolation? Run(ReadOnlySpan<byte> json)
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = rules.MaxDepth + 2 });
            string? topLevelName = null;
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (_depth > 0 && token is not (JsonTokenType.EndObject or JsonTokenType.EndArray or JsonTokenType.PropertyName))
                {
                    ref var parent = ref _frames[_depth - 1];
                    if (!parent.IsObject && ++parent.Items > (parent.IsMessages ? rules.MaxMessages : rules.MaxItems))
                    {
                        return parent.IsMessages
                            ? new("too_many_messages", string.Create(CultureInfo.InvariantCulture, $"'{topLevelName}' has more than {rules.MaxMessages} items (gateway.limits.max_messages)."), topLevelName)
                            : new("too_many_items", string.Create(CultureInfo.InvariantCulture, $"an array at byte {reader.TokenStartIndex} has more than {rules.MaxItems} items (gateway.limits.max_json_items)"));
                    }

                    if (rules.ClientRequest && _depth == 1 && topLevelName is not null && CheckTopLevelKind(topLevelName, token) is { } wrong)
                    {
                        return wrong;
                    }
                }

                switch (token)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (_depth == 0 && rules.ClientRequest && token != JsonTokenType.StartObject)
                        {
                            return new("invalid_json", "the body must be a JSON object");
                        }

                        if (_depth >= rules.MaxDepth)
                        {
                            return new("too_deep", string.Create(CultureInfo.InvariantCulture, $"it is nested deeper than {rules.MaxDepth} levels at byte {reader.TokenStartIndex} (gateway.limits.max_json_depth)"));
                        }

                        var opened = new Frame
                        {
                            IsObject = token == JsonTokenType.StartObject,
                            KeysStart = _keyCount,
                            Serial = ++_serial,
                            IsMessages = rules.ClientRequest && rules.MaxMessages > 0 && _depth == 1 && token == JsonTokenType.StartArray && topLevelName is "messages" or "input",
                        };
                        _frames[_depth++] = opened;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        _depth--;
                        Close(ref _frames[_depth]);
                        if (_keyCount == 0)
                        {
                            _sideUsed = 0;
                        }

                        break;
                    case JsonTokenType.PropertyName:
                        if (reader.ValueIsEscaped && HasLoneSurrogate(reader.ValueSpan))
                        {
                            return new("lone_surrogate", string.Create(CultureInfo.InvariantCulture, $"a key at byte {reader.TokenStartIndex} has an unpaired surrogate escape (\\uD800-\\uDFFF); send text as valid UTF-16 pairs or UTF-8"));
                        }

                        ref var frame = ref _frames[_depth - 1];
                        if (++frame.Items > rules.MaxItems)
                        {
                            return new("too_many_items", string.Create(CultureInfo.InvariantCulture, $"an object at byte {reader.TokenStartIndex} has more than {rules.MaxItems} members (gateway.limits.max_json_items)"));
                        }

                        var key = Add(ref reader, (int)reader.TokenStartIndex + 1, json);
                        if (IsDuplicate(ref frame, key, json))
                        {
                            return new("duplicate_key", string.Create(CultureInfo.InvariantCulture, $"the key '{Name(key, json)}' appears twice in one object (at byte {reader.TokenStartIndex}); send each key once"));
                        }

                        if (_depth == 1)
                        {
                            topLevelName = reader.ValueIsEscaped ? Name(key, json) : KnownName(reader.ValueSpan) ?? Encoding.UTF8.GetString(reader.ValueSpan);
                        }

                        break;
                    case JsonTokenType.String:
                        if (reader.ValueIsEscaped && HasLoneSurrogate(reader.ValueSpan))
                        {
                            var where = _depth == 1 && topLevelName is not null ? $"'{topLevelName}'" : string.Create(CultureInfo.InvariantCulture, $"a string at byte {reader.TokenStartIndex}");
                            return new("lone_surrogate", $"{where} has an unpaired surrogate escape (\\uD800-\\uDFFF); send text as valid UTF-16 pairs or UTF-8", _depth == 1 ? topLevelName : null);
                        }

                        break;
                }

                if (_depth == 0)
                {
                    break;
                }
            }

            if (reader.TokenType == JsonTokenType.None)
            {
                return new("invalid_json", "the body is empty");
            }

            if (rules.ClientRequest && _serial == 0)
            {
                return new("invalid_json", "the body must be a JSON object");
            }

            if (_depth != 0)
            {
                return new("invalid_json", "the JSON ends before its last object or array is closed");
            }

            return reader.Read() ? new("invalid_json", "there is more after the JSON value") : null;
        }

        private KeyRef Add(ref Utf8JsonReader reader, int offset, ReadOnlySpan<byte> json)
        {
            KeyRef key;
            if (!reader.ValueIsEscaped)
            {
                key = new KeyRef(offset, reader.ValueSpan.Length, Side: false, Hash(reader.ValueSpan));
            }
            else
            {
                var needed = reader.ValueSpan.Length;
                if (_sideUsed + needed > _side.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_side.Length * 2, _sideUsed + needed));
                    _side.AsSpan(0, _sideUsed).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(_side);
                    _side = bigger;
                }

                var written = reader.CopyString(_side.AsSpan(_sideUsed));
                key = new KeyRef(_sideUsed, written, Side: true, Hash(_side.AsSpan(_sideUsed, written)));
                _sideUsed += written;
            }

            if (_keyCount == _keys.Length)
            {
                var bigger = ArrayPool<KeyRef>.Shared.Rent(_keys.Length * 2);
                _keys.AsSpan(0, _keyCount).CopyTo(bigger);
                ArrayPool<KeyRef>.Shared.Return(_keys);
                _keys = bigger;
            }

            _keys[_keyCount++] = key;
            return key;
        }

        /// <summary>
        /// Linear for small objects; past <see cref="IndexFrom"/> keys an object's keys go into a (frame, hash) index,
        /// so a hostile object with thousands of keys costs O(n), not O(n²).
        /// </summary>
        private bool IsDuplicate(ref Frame frame, KeyRef key, ReadOnlySpan<byte> json)
        {
            var last = _keyCount - 1;
            if (frame.Items <= IndexFrom)
            {
                return LinearMatch(frame.KeysStart, last, key, json);
            }

            _index ??= new Dictionary<(int, int), int>();
            if (!frame.Indexed)
            {
                frame.Indexed = true;
                for (var i = frame.KeysStart; i < last; i++)
                {
                    _index.TryAdd((frame.Serial, _keys[i].Hash), i);
                }
            }

            if (_index.TryAdd((frame.Serial, key.Hash), last))
            {
                return false;
            }

            // Same hash: equal bytes, or (rarely) a collision settled by the linear check.
            return LinearMatch(frame.KeysStart, last, key, json);
        }

        private bool LinearMatch(int start, int end, KeyRef key, ReadOnlySpan<byte> json)
        {
            var bytes = Bytes(key, json);
            for (var i = start; i < end; i++)
            {
                if (_keys[i].Hash == key.Hash && Bytes(_keys[i], json).SequenceEqual(bytes))
                {
                    return true;
                }
            }

            return false;
        }

        private void Close(ref Frame frame)
        {
            if (frame.Indexed && _index is not null)
            {
                for (var i = frame.KeysStart; i < _keyCount; i++)
                {
                    _index.Remove((frame.Serial, _keys[i].Hash));
                }
            }

            _keyCount = frame.KeysStart;
        }

        private ReadOnlySpan<byte> Bytes(KeyRef key, ReadOnlySpan<byte> json) => key.Side ? _side.AsSpan(key.Offset, key.Length) : json.Slice(key.Offset, key.Length);

        private string Name(KeyRef key, ReadOnlySpan<byte> json)
        {
            var name = Encoding.UTF8.GetString(Bytes(key, json));
            return name.Length > 64 ? name[..64] + "…" : name;
        }

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }

        public void Dispose()
        {
            ArrayPool<Frame>.Shared.Return(_frames);
            ArrayPool<KeyRef>.Shared.Return(_keys);
            ArrayPool<byte>.Shared.Return(_side);
            _frames = [];
            _keys = [];
            _side = [];
        }
    }

    private readonly record struct KeyRef(int Offset, int Length, bool Side, int Hash);
}
