namespace KeepTrusts.Gateway.Hosting;

/// <summary>The live reload's log events (source-generated, structured).</summary>
internal static partial class ReloadLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Watching {Path} for changes; SIGHUP reloads it too")]
    public static partial void Watching(ILogger logger, string path);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
        Message = "Config reloaded from {Path} ({Trigger}): generation {Generation}, {Targets} target(s), chain: {Chain}; {InFlight} request(s) finish on the previous config")]
    public static partial void Applied(ILogger logger, string path, string trigger, int generation, int targets, string chain, int inFlight);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error,
        Message = "Config reload refused ({Trigger}) for {Path}: {Reason}; generation {Generation} keeps serving")]
    public static partial void Refused(ILogger logger, string path, string trigger, string reason, int generation);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "{Diagnostic}")]
    public static partial void Diagnostic(ILogger logger, string diagnostic);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "{Diagnostic}")]
    public static partial void Warning(ILogger logger, string diagnostic);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning,
        Message = "Config change needs restart: {Fields} changed but apply only when kt starts; they keep their running values until then")]
    public static partial void NeedsRestart(ILogger logger, string fields);
}
