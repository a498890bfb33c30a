using KeepTrusts.Gateway.Cli;

return await KtCommandLine.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
