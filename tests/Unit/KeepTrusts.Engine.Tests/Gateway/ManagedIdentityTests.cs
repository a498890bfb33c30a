using System.Net;
using Azure.Core;
using KeepTrusts.Engine.Upstreams;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Gateway;

public sealed class ManagedIdentityTests
{
    private sealed class CountingCredential(TimeSpan lifetime) : TokenCredential
    {
        public int Calls;
        public string[] Scopes = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            Scopes = requestContext.Scopes;
            return ValueTask.FromResult(new AccessToken(FakeAzureOpenAI.EntraToken, DateTimeOffset.UtcNow + lifetime));
        }
    }

    [Fact]
    public async Task Managed_identity_sends_a_cached_bearer_token_for_cognitive_services()
    {
        var credential = new CountingCredential(TimeSpan.FromHours(1));
        var credentials = new UpstreamCredentials(_ => null, _ => credential);
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: "      azure_auth: { type: managed_identity, client_id: 11111111-2222-3333-4444-555555555555 }\n"), credentials: credentials);

        for (var i = 0; i < 3; i++)
        {
            using var response = await harness.ChatAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, credential.Calls);
        Assert.Equal(["https://cognitiveservices.azure.com/.default"], credential.Scopes);
        Assert.All(harness.Fake.Requests, r =>
        {
            Assert.Equal("Bearer " + FakeAzureOpenAI.EntraToken, r.Headers["Authorization"]);
            Assert.False(r.Headers.ContainsKey("api-key"));
        });
    }

    [Fact]
    public async Task Token_close_to_expiry_is_refreshed()
    {
        var credential = new CountingCredential(TimeSpan.FromMinutes(2));
        var credentials = new UpstreamCredentials(_ => null, _ => credential);
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: "      azure_auth: managed_identity\n"), credentials: credentials);

        (await harness.ChatAsync()).Dispose();
        (await harness.ChatAsync()).Dispose();

        // Tokens within five minutes of expiry are not reused.
        Assert.Equal(2, credential.Calls);
    }

    [Fact]
    public async Task Missing_api_key_variable_is_a_502_naming_the_variable_not_a_value()
    {
        var credentials = new UpstreamCredentials(_ => null);
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(), credentials: credentials);

        using var response = await harness.ChatAsync();
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("AZURE_OPENAI_API_KEY", text);
        Assert.Empty(harness.Fake.Requests);
    }
}
