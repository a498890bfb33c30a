using System.CommandLine;
using System.Globalization;
using KeepTrusts.Engine.Keys;

namespace KeepTrusts.Gateway.Cli;

/// <summary>
/// <c>kt keys add|list|revoke --store &lt;file&gt;</c>: virtual client keys in a key store file (gateway.keys.store).
/// The secret of a new key is printed once; the store keeps only its salted hash. Running gateways pick up every
/// change within seconds. Exit codes: 0 done, 1 the store refused (message names the file and the fix), 2 usage.
/// </summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var keys = new Command("keys", "Manage virtual client keys in a key store file (gateway.keys.store of the policy config).");
        keys.Subcommands.Add(AddCommand());
        keys.Subcommands.Add(ListCommand());
        keys.Subcommands.Add(RevokeCommand());
        return keys;
    }

    private static Option<string> StoreOption() =>
        new("--store") { Description = "The key store file (the gateway.keys.store of your policy config).", Required = true };

    private static Command AddCommand()
    {
        var store = StoreOption();
        var alias = new Option<string>("--alias") { Description = "The key's name in metrics, audit records and logs; unique in the store.", Required = true };
        var models = new Option<string[]>("--model") { Description = "A model the key may use (repeat for several); none: all." };
        var routes = new Option<string[]>("--route") { Description = "A request path the key may call, such as /v1/chat/completions (repeat); none: all." };
        var rpm = new Option<int?>("--rpm") { Description = "Requests per minute for this key (shared across replicas with gateway.state.redis)." };
        var tpm = new Option<int?>("--tpm") { Description = "Tokens per minute for this key." };
        var day = new Option<decimal?>("--budget-day") { Description = "USD per UTC day (from the targets' pricing); spent: 429 until 00:00 UTC." };
        var month = new Option<decimal?>("--budget-month") { Description = "USD per UTC month." };
        var expires = new Option<DateTimeOffset?>("--expires")
        {
            Description = "When the key stops working, ISO 8601 such as 2027-01-31T00:00:00Z.",
            HelpName = "ISO 8601",
            // The default parser's error names the .NET type (System.Nullable`1[System.DateTimeOffset]); this one the format.
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
                {
                    return value;
                }

                result.AddError($"--expires '{text}' is not a date and time; use ISO 8601 such as 2027-01-31T00:00:00Z (UTC) or 2027-01-31.");
                return null;
            },
        };
        var disabled = new Option<bool>("--disabled") { Description = "Add the key disabled (401 until enabled)." };
        var command = new Command("add", "Add a key; prints its secret once (the store keeps only a salted hash).")
        {
            store, alias, models, routes, rpm, tpm, day, month, expires, disabled,
        };
        command.SetAction(parseResult => WithStore(parseResult, store, keyStore =>
        {
            var created = keyStore.Add(new VirtualKeySpec
            {
                Alias = parseResult.GetValue(alias)!,
                AllowedModels = parseResult.GetValue(models) ?? [],
                AllowedRoutes = parseResult.GetValue(routes) ?? [],
                RequestsPerMinute = parseResult.GetValue(rpm),
                TokensPerMinute = parseResult.GetValue(tpm),
                BudgetUsdPerDay = parseResult.GetValue(day),
                BudgetUsdPerMonth = parseResult.GetValue(month),
                ExpiresAt = parseResult.GetValue(expires)?.ToUniversalTime(),
                Disabled = parseResult.GetValue(disabled),
            });
            var stdout = parseResult.InvocationConfiguration.Output;
            stdout.WriteLine($"added key '{created.Key.Alias}' ({created.Key.Id}) to {keyStore.Path}");
            stdout.WriteLine($"secret (shown once, store it now): {created.Secret}");
        }));
        return command;
    }

    private static Command ListCommand()
    {
        var store = StoreOption();
        var command = new Command("list", "List the keys (never their secrets).") { store };
        command.SetAction(parseResult => WithStore(parseResult, store, keyStore => List(keyStore, parseResult.InvocationConfiguration.Output)));
        return command;
    }

    private static Command RevokeCommand()
    {
        var store = StoreOption();
        var key = new Argument<string>("id-or-alias") { Description = "The key to remove, by id (vk_...) or alias." };
        var command = new Command("revoke", "Remove a key; running gateways refuse it within seconds.") { store, key };
        command.SetAction(parseResult => WithStore(parseResult, store, keyStore =>
        {
            var revoked = keyStore.Revoke(parseResult.GetValue(key)!);
            parseResult.InvocationConfiguration.Output.WriteLine($"revoked key '{revoked.Alias}' ({revoked.Id}); running gateways refuse it within seconds");
        }));
        return command;
    }

    /// <summary>Opens the store, runs <paramref name="work"/>; a store that refuses is exit 1 with its message (file and fix).</summary>
    private static int WithStore(ParseResult parseResult, Option<string> store, Action<VirtualKeyStore> work)
    {
        try
        {
            using var keyStore = VirtualKeyStore.Open(parseResult.GetValue(store)!);
            work(keyStore);
            return 0;
        }
        catch (VirtualKeyStoreException ex)
        {
            parseResult.InvocationConfiguration.Error.WriteLine($"kt keys: {ex.Message}");
            return 1;
        }
    }

    private static void List(VirtualKeyStore store, TextWriter stdout)
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
    }

    private static string Text<T>(T? value)
        where T : struct, IFormattable => value?.ToString(null, CultureInfo.InvariantCulture) ?? "-";
}
