using System.CommandLine;

namespace KeepTrusts.Gateway.Cli;

/// <summary><c>kt quickstart</c>: the offline demo (see <see cref="Quickstart"/>).</summary>
internal static class QuickstartCommand
{
    public static Command Create()
    {
        var listen = KtOptions.Listen();
        var policyConfig = KtOptions.PolicyConfig("Policy config to demo (default examples/quickstart-echo.yaml, found from the current directory up).");
        var once = new Option<bool>("--once") { Description = "Stop after the demo requests instead of serving until Ctrl+C." };
        var command = new Command("quickstart", "Start the gateway offline with the echo target, send a few requests through the policy chain and show what happened.")
        {
            listen, policyConfig, once,
        };
        command.SetAction((parseResult, cancellationToken) => Quickstart.RunAsync(
            parseResult.GetValue(listen),
            parseResult.GetValue(policyConfig),
            parseResult.GetValue(once),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }
}
