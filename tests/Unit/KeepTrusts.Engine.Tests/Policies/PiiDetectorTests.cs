using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Policies.Pii;

namespace KeepTrusts.Engine.Tests.Policies;

public sealed class PiiDetectorTests
{
    private static readonly PiiScanner Scanner = new([]);

    private static string Redact(string text) => PiiScanner.Redact(text, Scanner.Find(text));

    [Theory]
    [InlineData("write to jane.doe@contoso.com today", "write to [REDACTED:EMAIL] today")]
    [InlineData("call +1 425 555 0100 now", "call [REDACTED:PHONE] now")]
    [InlineData("ruf an: +49 30 1234 5678.", "ruf an: [REDACTED:PHONE].")]
    [InlineData("phone (425) 555-0100", "phone [REDACTED:PHONE]")]
    [InlineData("card 4111 1111 1111 1111 exp 12/29", "card [REDACTED:CREDIT_CARD] exp 12/29")]
    [InlineData("card 5500-0000-0000-0004", "card [REDACTED:CREDIT_CARD]")]
    [InlineData("IBAN DE89 3704 0044 0532 0130 00 please", "IBAN [REDACTED:IBAN] please")]
    [InlineData("iban GB82WEST12345698765432", "iban [REDACTED:IBAN]")]
    [InlineData("SSN 123-45-6789", "SSN [REDACTED:US_SSN]")]
    [InlineData("server at 10.1.2.4 answered", "server at [REDACTED:IP_ADDRESS] answered")]
    [InlineData("v6 2001:db8::8a2e:370:7334 ok", "v6 [REDACTED:IP_ADDRESS] ok")]
    [InlineData("I was born on 12/03/1985 in Lyon", "I was born on [REDACTED:DATE_OF_BIRTH] in Lyon")]
    [InlineData("date of birth: 1985-03-12", "date of birth: [REDACTED:DATE_OF_BIRTH]")]
    [InlineData("passport number X12345678", "passport number [REDACTED:PASSPORT]")]
    [InlineData("mi DNI es 12345678Z", "mi DNI es [REDACTED:NATIONAL_ID]")]
    [InlineData("key sk-proj-abcdefghijklmnopqrstuvwxyz123456", "key [REDACTED:OPENAI_API_KEY]")]
    [InlineData("api-key: 0123456789abcdef0123456789abcdef", "api-key: [REDACTED:AZURE_OPENAI_KEY]")]
    [InlineData("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end", "token [REDACTED:JWT] end")]
    public void Redaction_replaces_each_entity_with_a_typed_placeholder_and_nothing_else(string input, string expected)
    {
        Assert.Equal(expected, Redact(input));
    }

    [Fact]
    public void Connection_strings_storage_keys_and_private_keys_are_secrets()
    {
        var storageKey = new string('A', 40) + new string('b', 46) + "==";
        var text = $"conn DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={storageKey};EndpointSuffix=core.windows.net and key {storageKey} and\n" +
                   "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc+/=\n-----END RSA PRIVATE KEY-----\nbye";

        var redacted = Redact(text);

        Assert.Equal("conn [REDACTED:CONNECTION_STRING] and key [REDACTED:AZURE_STORAGE_KEY] and\n[REDACTED:PRIVATE_KEY]\nbye", redacted);
    }

    [Theory]
    [InlineData("card 4111 1111 1111 1112")]          // Luhn fails
    [InlineData("IBAN DE89 3704 0044 0532 0130 01")]   // mod-97 fails
    [InlineData("SSN 000-12-3456")]                    // area 000
    [InlineData("SSN 666-12-3456")]                    // area 666
    [InlineData("SSN 912-12-3456")]                    // area 9xx
    [InlineData("SSN 123-00-4567")]                    // group 00
    [InlineData("SSN 123-45-0000")]                    // serial 0000
    [InlineData("version 1.2.3 of the tool")]
    [InlineData("the meeting is on 12/03/2025")]       // a date without birth context
    [InlineData("order 123456789 shipped")]            // nine digits without SSN or BSN context
    [InlineData("ip 999.1.1.1 is not an address")]
    [InlineData("the time is 10:30:00")]
    [InlineData("mi DNI es 12345678A")]                // wrong DNI letter
    public void Near_misses_are_left_alone(string text)
    {
        Assert.Equal(text, Redact(text));
    }

    [Fact]
    public void Policy_redacts_request_segments_and_marks_them_modified()
    {
        var policy = new PiiDetectorPolicy(new PiiDetectorOptions { Action = PolicyActionOption.Redact });
        var segment = new TextSegment("messages[0].content", "user", "mail me at a.b@example.org");
        var untouched = new TextSegment("messages[1].content", "user", "nothing here");

        var decision = policy.EvaluateRequest([segment, untouched]);

        Assert.Equal(PolicyAction.Redact, decision.Action);
        Assert.Equal("mail me at [REDACTED:EMAIL]", segment.Text);
        Assert.True(segment.Modified);
        Assert.False(untouched.Modified);
        var span = Assert.Single(decision.Spans);
        Assert.Equal(("messages[0].content", 11, 15, "EMAIL"), (span.Segment, span.Start, span.Length, span.Kind));
        Assert.DoesNotContain("a.b@example.org", decision.Reason);
    }

    [Fact]
    public void Block_action_blocks_and_changes_nothing()
    {
        var policy = new PiiDetectorPolicy(new PiiDetectorOptions { Action = PolicyActionOption.Block });
        var segment = new TextSegment("s", "user", "SSN 123-45-6789");

        var decision = policy.EvaluateRequest([segment]);

        Assert.Equal(PolicyAction.Block, decision.Action);
        Assert.Equal("SSN 123-45-6789", segment.Text);
    }

    [Fact]
    public void Entities_list_limits_what_is_detected()
    {
        var policy = new PiiDetectorPolicy(new PiiDetectorOptions { Entities = [PiiEntityNames.Email] });
        var segment = new TextSegment("s", "user", "a@b.io and 4111 1111 1111 1111");

        policy.EvaluateRequest([segment]);

        Assert.Equal("[REDACTED:EMAIL] and 4111 1111 1111 1111", segment.Text);
    }

    [Fact]
    public void Adversarial_input_is_scanned_in_linear_time_with_correct_results()
    {
        // Near-matches for every pattern, 100 KB of them: a backtracking pattern would never finish.
        var parts = new[] { "aaaa@aaaa.", "4111 1111 1111 ", "+1 (((( ", "eyJaaaa.eyJ", "-----BEGIN ", "DE89 ", "1.1.1.", "::::", "sk-", "AccountKey=", "born 12/" };
        var text = string.Concat(Enumerable.Repeat(string.Concat(parts), 100_000 / string.Concat(parts).Length));

        var matches = Scanner.Find(text + " real@example.com");

        Assert.Contains(matches, m => m.Kind == "EMAIL" && text.Length + 1 == m.Start);
    }

    [Fact]
    public void Stream_redacts_an_email_fed_one_character_at_a_time()
    {
        var filter = new PiiDetectorPolicy(new PiiDetectorOptions()).CreateStreamPolicy()!;
        var text = "Contact jane.doe@contoso.com for details.";
        var output = string.Concat(text.Select(c => filter.Push(c.ToString()))) + filter.Flush();

        Assert.Equal("Contact [REDACTED:EMAIL] for details.", output);
        Assert.Equal(PolicyAction.Redact, filter.Decision.Action);
    }

    [Fact]
    public void Stream_redacts_a_card_split_across_chunks()
    {
        var filter = new PiiDetectorPolicy(new PiiDetectorOptions()).CreateStreamPolicy()!;
        string[] chunks = ["Your card ", "4111 11", "11 1111 ", "1111 is on file."];

        var output = string.Concat(chunks.Select(filter.Push)) + filter.Flush();

        Assert.Equal("Your card [REDACTED:CREDIT_CARD] is on file.", output);
    }

    [Fact]
    public void Stream_releases_text_that_cannot_become_a_match_at_once()
    {
        var filter = new PiiDetectorPolicy(new PiiDetectorOptions()).CreateStreamPolicy()!;

        Assert.Equal("Hello there, ", filter.Push("Hello there, "));
        Assert.Equal("how are ", filter.Push("how are "));
        // The word being written could still become an email: only it is held.
        Assert.Equal(string.Empty, filter.Push("you"));
        Assert.Equal("you ", filter.Push(" "));
        Assert.Equal(string.Empty, filter.Flush());
    }

    [Fact]
    public void Stream_holds_only_the_open_tail()
    {
        Assert.Equal("call me at ".Length, PiiStreamFilter.HoldStart("call me at +1 425 "));
        Assert.Equal("mail ".Length, PiiStreamFilter.HoldStart("mail jane@con"));
        Assert.Equal("nothing to hold ".Length, PiiStreamFilter.HoldStart("nothing to hold "));
        Assert.Equal(0, PiiStreamFilter.HoldStart("-----BEGIN PRIVATE KEY-----\nMIIE"));
    }
}
