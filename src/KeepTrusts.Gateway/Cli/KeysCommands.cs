using System.Globalization;
using System.Numerics;
using KeepTrusts.Engine.Keys;

namespace KeepTrusts.Gateway.Cli;

/// <summary>
/// <c>kt keys add|list|revoke --store &lt;file&gt;</c>: virtual client keys in a key store file (gateway.keys.store).
/// The secret of a new key is printed once; the store keeps only its salted hash. Running gateways pick up every
/// change within seconds. Exit codes: 0 done, 1 the store refused (message names the file and the fix), 2 usage.
/// </summary>
internal static class KeysCommands
{
    public const string Usage = """
          kt keys add --store <file> --alias <name> [--model <m>]... [--route </v1/...>]... [--rpm <n>] [--tpm <n>]
                      [--budget-day <usd>] [--budget-month <usd>] [--expires <ISO 8601>] [--disabled]
          kt keys list --store <file>
          kt keys revoke --store <file> <id-or-alias>
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is not ("add" or "list" or "revoke"))
        {
            throw new KtCommandLine.UsageException("kt keys needs add, list or revoke");
        }

        var parsed = Arguments.Parse(args[1..]);
        try
        {
            using var store = VirtualKeyStore.Open(parsed.Store);
            return args[0] switch
            {
                "add" => Add(store, parsed.ToSpec(), stdout),
                "list" => List(store, stdout),
                _ => Revoke(store, parsed.Positional ?? throw new KtCommandLine.UsageException("kt keys revoke needs the key's id or alias"), stdout),
            };
        }
        catch (VirtualKeyStoreException ex)
        {
            stderr.WriteLine($"kt keys: {ex.Message}");
            return 1;
        }
    }

    public static int Add(VirtualKeyStore store, VirtualKeySpec spec, TextWriter stdout)
    {
        var created = store.Add(spec);
        stdout.WriteLine($"added key '{created.Key.Alias}' ({created.Key.Id}) to {store.Path}");
        stdout.WriteLine($"secret (shown once, store it now): {created.Secret}");
        return 0;
    }

    public static int List(VirtualKeyStore store, TextWriter stdout)
    {
        stdout.WriteLine($"{"ID",-20} {"ALIAS",-24} {"STATE",-9} {"MODELS",-20} {"RPM",6} {"TPM",8} {"USD/DAY",8} {"USD/MONTH",9} EXPIRES");
        foreach (var key in store.Keys)
        {
            var state = key.Disabled ? "disabled" : key.ExpiresAt is { } e && e <= DateTimeOffset.UtcNow ? "expired" : "active";
            stdout.WriteLine(string.Join(' ',
                key.Id.PadRight(20), key.Alias.PadRight(24), state.PadRight(9),
                (key.AllowedModels.Count == 0 ? "*" : string.Join(',', key.AllowedModels)).PadRight(20),
                Text(key.RequestsPerMinute).PadLeft(6), Text(key.TokensPerMinute).PadLeft(8),
                Text(key.BudgetUsdPerDay).PadLeft(8), Text(key.BudgetUsdPerMonth).PadLeft(9),
                key.ExpiresAt?.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture) ?? "-"));
        }

        stdout.WriteLine($"{store.Keys.Count} key(s) in {store.Path}");
        return 0;
    }

    public static int Revoke(VirtualKeyStore store, string idOrAlias, TextWriter stdout)
    {
        var key = store.Revoke(idOrAlias);
        stdout.WriteLine($"revoked key '{key.Alias}' ({key.Id}); running gateways refuse it within seconds");
        return 0;
    }

    private static string Text<T>(T? value)
        where T : struct, IFormattable => value?.ToString(null, CultureInfo.InvariantCulture) ?? "-";

    private sealed record Arguments(string Store, string? Positional, VirtualKeySpec Spec)
    {
        public VirtualKeySpec ToSpec() => Spec.Alias.Length > 0 ? Spec : throw new KtCommandLine.UsageException("kt keys add needs --alias <name>");

        public static Arguments Parse(string[] args)
        {
            string? store = null, positional = null, alias = null;
            List<string> models = [], routes = [];
            int? rpm = null, tpm = null;
            decimal? day = null, month = null;
            DateTimeOffset? expires = null;
            var disabled = false;
            for (var i = 0; i < args.Length; i++)
            {
                var option = args[i];
                string Value() => i + 1 < args.Length ? args[++i] : throw new KtCommandLine.UsageException($"{option} needs a value");
                switch (option)
                {
                    case "--store": store = Value(); break;
                    case "--alias": alias = Value(); break;
                    case "--model": models.Add(Value()); break;
                    case "--route": routes.Add(Value()); break;
                    case "--rpm": rpm = Number<int>(option, Value()); break;
                    case "--tpm": tpm = Number<int>(option, Value()); break;
                    case "--budget-day": day = Number<decimal>(option, Value()); break;
                    case "--budget-month": month = Number<decimal>(option, Value()); break;
                    case "--expires":
                        var text = Value();
                        expires = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                            ? parsed
                            : throw new KtCommandLine.UsageException($"--expires '{text}' is not a date; use ISO 8601 such as 2027-01-31T00:00:00Z");
                        break;
                    case "--disabled": disabled = true; break;
                    default:
                        if (option.StartsWith("--", StringComparison.Ordinal) || positional is not null)
                        {
                            throw new KtCommandLine.UsageException($"unknown argument '{option}'");
                        }

                        positional = option;
                        break;
                }
            }

            return new Arguments(
                store ?? throw new KtCommandLine.UsageException("kt keys needs --store <file> (the gateway.keys.store of your policy config)"),
                positional,
                new VirtualKeySpec
                {
                    Alias = alias ?? string.Empty, AllowedModels = models, AllowedRoutes = routes, RequestsPerMinute = rpm, TokensPerMinute = tpm,
                    BudgetUsdPerDay = day, BudgetUsdPerMonth = month, ExpiresAt = expires, Disabled = disabled,
                });
        }

        private static T Number<T>(string option, string text)
            where T : INumber<T> =>
            T.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : throw new KtCommandLine.UsageException($"{option} '{text}' is not a number");
    }
}
