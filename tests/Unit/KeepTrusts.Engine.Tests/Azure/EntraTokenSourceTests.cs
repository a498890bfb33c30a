using Azure.Core;
using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Tests.Azure;

public sealed class EntraTokenSourceTests
{
    [Fact]
    public async Task A_token_valid_for_an_hour_is_fetched_once()
    {
        var credential = new ScriptedCredential(TimeSpan.FromHours(1));
        using var source = new EntraTokenSource(credential, "https://cognitiveservices.azure.com/.default");

        var first = await source.GetTokenAsync(CancellationToken.None);
        var second = await source.GetTokenAsync(CancellationToken.None);

        Assert.Equal("token-1", first);
        Assert.Equal("token-1", second);
        Assert.Equal(1, credential.Calls);
        Assert.Equal(["https://cognitiveservices.azure.com/.default"], credential.LastScopes);
    }

    [Fact]
    public async Task A_token_within_five_minutes_of_expiry_is_fetched_again()
    {
        var credential = new ScriptedCredential(TimeSpan.FromMinutes(4));
        using var source = new EntraTokenSource(credential, "scope/.default");

        await source.GetTokenAsync(CancellationToken.None);
        var second = await source.GetTokenAsync(CancellationToken.None);

        Assert.Equal("token-2", second);
        Assert.Equal(2, credential.Calls);
    }

    [Fact]
    public async Task Callers_that_find_no_token_wait_for_one_fetch()
    {
        var release = new TaskCompletionSource();
        var credential = new ScriptedCredential(TimeSpan.FromHours(1), release.Task);
        using var source = new EntraTokenSource(credential, "scope/.default");

        var callers = Enumerable.Range(0, 8).Select(_ => source.GetTokenAsync(CancellationToken.None).AsTask()).ToArray();
        release.SetResult();
        var tokens = await Task.WhenAll(callers);

        Assert.All(tokens, t => Assert.Equal("token-1", t));
        Assert.Equal(1, credential.Calls);
    }

    private sealed class ScriptedCredential(TimeSpan lifetime, Task? gate = null) : TokenCredential
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string[] LastScopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            LastScopes = requestContext.Scopes;
            if (gate is not null)
            {
                await gate.ConfigureAwait(false);
            }

            return new AccessToken($"token-{call}", DateTimeOffset.UtcNow + lifetime);
        }
    }
}
