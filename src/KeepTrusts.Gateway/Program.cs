using System.Globalization;
using KeepTrusts.Gateway.Cli;

// kt uses ICU for Unicode normalization only: its numbers, reasons and records read the same under every LANG, as they
// did when it ran in invariant globalization mode.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

return await KtCommandLine.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
