using KeepTrusts.Engine.Configuration;
using Microsoft.ML.OnnxRuntime;

namespace KeepTrusts.Engine.Policies.PromptInjection.Layers;

/// <summary>
/// A local ONNX sequence classifier and its tokenizer, loaded once and shared by every request
/// (<see cref="InferenceSession.Run(RunOptions, IReadOnlyDictionary{string, OrtValue}, IReadOnlyCollection{string})"/> is thread-safe).
/// Inputs are fed by name (input_ids, attention_mask, token_type_ids); the output is the logits [batch, labels],
/// turned into an injection probability by softmax over the configured labels.
/// </summary>
internal sealed class OnnxInjectionClassifier : IDisposable
{
    private static readonly string[] KnownInputs = ["input_ids", "attention_mask", "token_type_ids"];

    private readonly InferenceSession _session;
    private readonly InjectionModelTokenizer _tokenizer;
    private readonly PromptInjectionModelOptions _options;
    private readonly string _output;
    private readonly bool _int32Inputs;
    private readonly string[] _inputs;
    private readonly SemaphoreSlim _concurrency;

    private OnnxInjectionClassifier(InferenceSession session, InjectionModelTokenizer tokenizer, PromptInjectionModelOptions options, string output, bool int32Inputs)
    {
        _session = session;
        _tokenizer = tokenizer;
        _options = options;
        _output = output;
        _int32Inputs = int32Inputs;
        _inputs = session.InputMetadata.Keys.ToArray();
        _concurrency = new SemaphoreSlim(Math.Max(1, options.MaxConcurrency));
        ModelName = Path.GetFileName(options.Path);
    }

    public string ModelName { get; }

    /// <summary>Loads and checks the model and tokenizer; throws <see cref="InjectionModelException"/> naming the key and the fix.</summary>
    public static OnnxInjectionClassifier Load(PromptInjectionModelOptions options, string baseDirectory)
    {
        var tokenizerPath = Resolve(baseDirectory, options.Tokenizer, "tokenizer");
        InjectionModelTokenizer tokenizer;
        try
        {
            tokenizer = InjectionModelTokenizer.Load(tokenizerPath);
        }
        catch (Exception ex) when (ex is not InjectionModelException)
        {
            throw new InjectionModelException("tokenizer", $"tokenizer '{options.Tokenizer}' cannot be read: {ExceptionText.FirstLine(ex.Message)}",
                $"give {InjectionModelTokenizer.SupportedFormats}, from the same model repository as the .onnx file");
        }

        var modelPath = Resolve(baseDirectory, options.Path, "path");
        InferenceSession session;
        try
        {
            using var sessionOptions = new SessionOptions
            {
                // One thread per run: the gateway runs requests in parallel, and max_concurrency bounds the runs.
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            session = new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InjectionModelException("path", $"model '{options.Path}' is not a valid ONNX model: {ExceptionText.FirstLine(ex.Message)}",
                "export the classifier to ONNX (for example with optimum-cli export onnx --task text-classification) and point path at model.onnx");
        }

        try
        {
            var int32 = CheckInputs(session, options);
            var output = CheckOutput(session, options);
            return new OnnxInjectionClassifier(session, tokenizer, options, output, int32);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The injection probability of <paramref name="text"/>: the highest over its windows of max_tokens.</summary>
    public ModelScore Score(string text, CancellationToken cancellationToken)
    {
        var window = _options.MaxTokens - _tokenizer.Prefix.Length - _tokenizer.Suffix.Length;
        var budget = window * _options.MaxChunks;
        // One token more than the budget tells whether text was left unscored.
        var body = _tokenizer.EncodeBody(text, budget + 1);
        var truncated = body.Count > budget;
        var scored = Math.Min(body.Count, budget);
        var best = 0.0;
        var start = 0;
        do
        {
            var length = Math.Min(window, scored - start);
            best = Math.Max(best, Run(body, start, length, cancellationToken));
            start += length;
        }
        while (start < scored);

        return new ModelScore(best, scored, truncated);
    }

    private double Run(IReadOnlyList<int> body, int start, int length, CancellationToken cancellationToken)
    {
        var count = _tokenizer.Prefix.Length + length + _tokenizer.Suffix.Length;
        var ids = new long[count];
        var position = 0;
        foreach (var id in _tokenizer.Prefix)
        {
            ids[position++] = id;
        }

        for (var i = 0; i < length; i++)
        {
            ids[position++] = body[start + i];
        }

        foreach (var id in _tokenizer.Suffix)
        {
            ids[position++] = id;
        }

        long[] shape = [1, count];
        var values = new List<OrtValue>(_inputs.Length);
        var feeds = new Dictionary<string, OrtValue>(_inputs.Length, StringComparer.Ordinal);
        _concurrency.Wait(cancellationToken);
        try
        {
            foreach (var name in _inputs)
            {
                var value = name switch
                {
                    "input_ids" => Tensor(ids, shape),
                    "attention_mask" => Tensor(Filled(count, 1), shape),
                    _ => Tensor(Filled(count, 0), shape),
                };
                values.Add(value);
                feeds[name] = value;
            }

            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, feeds, [_output]);
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            return InjectionProbability(logits);
        }
        finally
        {
            _concurrency.Release();
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    private OrtValue Tensor(long[] data, long[] shape) =>
        _int32Inputs
            ? OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(data, v => (int)v), shape)
            : OrtValue.CreateTensorValueFromMemory(data, shape);

    private static long[] Filled(int count, long value)
    {
        var array = new long[count];
        Array.Fill(array, value);
        return array;
    }

    private double InjectionProbability(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var logit in logits)
        {
            max = Math.Max(max, logit);
        }

        var sum = 0.0;
        foreach (var logit in logits)
        {
            sum += Math.Exp(logit - max);
        }

        var injection = 0.0;
        foreach (var label in _options.InjectionLabels)
        {
            injection += Math.Exp(logits[label] - max);
        }

        return injection / sum;
    }

    private static bool CheckInputs(InferenceSession session, PromptInjectionModelOptions options)
    {
        if (!session.InputMetadata.ContainsKey("input_ids"))
        {
            throw new InjectionModelException("path", $"model '{options.Path}' has no input named 'input_ids' (its inputs: {string.Join(", ", session.InputMetadata.Keys)})",
                "use a text-classification export whose inputs are input_ids and attention_mask");
        }

        var int32 = false;
        foreach (var (name, metadata) in session.InputMetadata)
        {
            if (!KnownInputs.Contains(name))
            {
                throw new InjectionModelException("path", $"model '{options.Path}' needs input '{name}', which a text classifier does not have",
                    $"use a text-classification export whose inputs are among {string.Join(", ", KnownInputs)}");
            }

            if (metadata.ElementType != typeof(long) && metadata.ElementType != typeof(int))
            {
                throw new InjectionModelException("path", $"model input '{name}' is {metadata.ElementType.Name}, not int64 or int32", "use a text-classification export (token ids are integers)");
            }

            int32 |= metadata.ElementType == typeof(int);
        }

        return int32;
    }

    private static string CheckOutput(InferenceSession session, PromptInjectionModelOptions options)
    {
        var (name, metadata) = session.OutputMetadata.FirstOrDefault(o => o.Key == "logits") is { Key: not null } logits ? logits : session.OutputMetadata.First();
        var labels = metadata.Dimensions.Length == 0 ? 0 : metadata.Dimensions[^1];
        if (metadata.ElementType != typeof(float) || metadata.Dimensions.Length != 2)
        {
            throw new InjectionModelException("path", $"model output '{name}' is not float logits of shape [batch, labels]", "use a sequence-classification export (output 'logits')");
        }

        if (labels > 0 && labels < 2)
        {
            throw new InjectionModelException("path", string.Create(CultureInfo.InvariantCulture, $"model output '{name}' has {labels} label(s); softmax needs at least 2"), "use a classifier with a benign and an injection label");
        }

        foreach (var label in options.InjectionLabels)
        {
            if (label < 0 || (labels > 0 && label >= labels))
            {
                throw new InjectionModelException("path", string.Create(CultureInfo.InvariantCulture, $"injection label {label} is not an output of the model (it has labels 0..{labels - 1})"),
                    "set injection_labels to the output indexes that mean injection or jailbreak (see the model's config.json id2label)");
            }
        }

        return name;
    }

    private static string Resolve(string baseDirectory, string path, string key) =>
        MissingFile(baseDirectory, path, key) is { } missing ? throw missing : System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, path));

    /// <summary>The error for a model or tokenizer file that does not exist; null when it does.</summary>
    public static InjectionModelException? MissingFile(string baseDirectory, string path, string key)
    {
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, path));
        return File.Exists(full) ? null : new InjectionModelException(key, $"{(key == "path" ? "model" : "tokenizer")} file '{path}' does not exist (looked for {full})",
            "put the file there, or give its path relative to the policy config file; nothing is downloaded");
    }

    public void Dispose()
    {
        _session.Dispose();
        _concurrency.Dispose();
    }
}
