using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Engine.Tests.Gateway;

public sealed class RequestIdTests
{
    [Fact]
    public void New_ids_have_the_form_of_a_random_guid_in_N_format_and_do_not_repeat()
    {
        var ids = Enumerable.Range(0, 2000).Select(_ => RequestIds.New()).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        foreach (var id in ids)
        {
            Assert.Equal(32, id.Length);
            Assert.All(id, c => Assert.True(char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c), id));
            var guid = Guid.ParseExact(id, "N");
            Assert.Equal(id, guid.ToString("N"));
            Assert.Equal('4', id[12]);                 // version 4 (random), as Guid.NewGuid
            Assert.Contains(id[16], "89ab");           // RFC 4122 variant
        }
    }

    [Fact]
    public void A_request_keeps_the_id_it_was_given_and_makes_one_only_when_none_was()
    {
        var given = new GatewayRequest { Operation = UpstreamOperation.ChatCompletions, RequestId = "client-id-1" };
        Assert.Equal("client-id-1", given.RequestId);

        var made = new GatewayRequest { Operation = UpstreamOperation.ChatCompletions };
        var first = made.RequestId;
        Assert.Equal(32, first.Length);
        Assert.Same(first, made.RequestId);
    }
}
