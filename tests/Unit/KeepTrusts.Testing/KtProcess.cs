using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace KeepTrusts.Testing;

/// <summary>
/// Runs the real kt executable (kt.dll beside the tests) as a child process and captures its output. KT_TEST_KT=&lt;path&gt;
/// runs another kt instead, an executable such as the Native AOT one (bench/README.md, "Native AOT").
/// </summary>
public sealed partial class KtProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private KtProcess(Process process) => _process = process;

    public string StandardOutput { get { lock (_stdout) { return _stdout.ToString(); } } }

    public string StandardError { get { lock (_stderr) { return _stderr.ToString(); } } }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static string KtDll => Path.Combine(AppContext.BaseDirectory, "kt.dll");

    /// <summary>A kt executable to run in place of <c>dotnet kt.dll</c>, from KT_TEST_KT; null when unset.</summary>
    public static string? KtExecutable => Environment.GetEnvironmentVariable("KT_TEST_KT") is { Length: > 0 } path ? path : null;

    /// <summary>The kt a launcher should start: <see cref="KtExecutable"/> when set, else <see cref="KtDll"/>.</summary>
    public static string KtPath => KtExecutable ?? KtDll;

    /// <param name="defaultHangup">
    /// Start kt with SIGHUP's default disposition. A process inherits an ignored SIGHUP (a test run started under
    /// <c>nohup</c>), and .NET then never delivers it to kt's handler; <c>env --default-signal</c> resets it before exec.
    /// </param>
    public static KtProcess Start(IEnumerable<string> args, IDictionary<string, string>? environment = null, string? workingDirectory = null, bool defaultHangup = false)
    {
        var native = KtExecutable;
        var info = new ProcessStartInfo(defaultHangup ? "env" : native ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        if (defaultHangup)
        {
            info.ArgumentList.Add("--default-signal=HUP");
            info.ArgumentList.Add(native ?? "dotnet");
        }

        if (native is null)
        {
            info.ArgumentList.Add(KtDll);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var kt = new KtProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (kt._stdout)
            {
                kt._stdout.AppendLine(e.Data);
            }

            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                kt._listening.TrySetResult(match.Groups[1].Value);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (kt._stderr)
                {
                    kt._stderr.AppendLine(e.Data);
                }
            }
        };
        process.Exited += (_, _) => kt._listening.TrySetException(new InvalidOperationException("kt exited before listening"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return kt;
    }

    /// <summary>The URL kt prints once it listens.</summary>
    public async Task<string> WaitForListeningAsync(TimeSpan timeout)
    {
        try
        {
            return await _listening.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"kt did not start listening: {ex.Message}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}", ex);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Asks kt to stop the way a service manager does (SIGTERM).</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex ListeningLine();
}
