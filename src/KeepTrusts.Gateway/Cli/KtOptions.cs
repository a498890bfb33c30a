using System.CommandLine;
using KeepTrusts.Engine.Hosting;

namespace KeepTrusts.Gateway.Cli;

/// <summary>Options more than one kt command takes; each call makes a new instance (a symbol has one parent).</summary>
internal static class KtOptions
{
    public static Option<string?> Listen()
    {
        var option = new Option<string?>("--listen")
        {
            Description = "Address to listen on: host:port, http://host:port or a port (default 127.0.0.1:8080, or KT_LISTEN).",
            HelpName = "host:port",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && !ListenAddress.TryParse(value, out _, out var error))
            {
                result.AddError("--listen " + error);
            }
        });
        return option;
    }

    public static Option<string?> PolicyConfig(string description) => new("--policy-config")
    {
        Description = description,
        HelpName = "file",
    };
}
