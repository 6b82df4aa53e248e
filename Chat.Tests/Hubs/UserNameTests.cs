using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Hubs;

/// <summary>SPEC section 3: names that cannot pass for another, a named connection speaks only as itself, and /clear without sign-in.</summary>
public class UserNameTests
{
    public static TheoryData<string, string> RefusedNames => new()
    {
        { "alice\u200B", "The user name contains an invisible formatting character (U+200B, such as a zero-width space or a direction override); remove it." },
        { "\u202Eecila", "The user name contains an invisible formatting character (U+202E" },
        { "al\u200Dice", "(U+200D" },
        { "\u0430lice", "The user name mixes Latin letters with Cyrillic or Greek ones" },
        { "\u03B1lice", "The user name mixes Latin letters with Cyrillic or Greek ones" },
        { " alice", "The user name starts or ends with a space; remove it." },
        { "alice ", "The user name starts or ends with a space; remove it." },
        { "al  ice", "The user name has two spaces in a row; use single spaces between words." },
        { "al\u00A0ice", "The user name contains a special space (U+00A0); use plain spaces only." },
        { "\u0301\u0301\u0301", "The user name needs at least one letter or digit." },
        { "-- !! --", "The user name needs at least one letter or digit." },
        { "\uE000bob", "The user name contains a character that has no meaning in Unicode (U+E000); remove it." },
        { "tab\there", "The user name contains control characters" },
        { new string('u', 33), "The user name is 33 characters long; at most 32 are allowed." },
        { "   ", "The user name is empty. Choose a name of 1 to 32 characters." },
    };

    [Theory]
    [MemberData(nameof(RefusedNames))]
    public async Task A_guest_sending_under_a_name_the_rules_refuse_gets_why_and_nothing_is_stored(string name, string error)
    {
        await using var app = new ChatApplication();
        await using var guest = await app.ConnectAsync(user: null);

        var send = () => guest.SendAsync("hello", name);

        (await send.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain(error);
        (await guest.HistoryAsync()).Should().BeEmpty();
        (await guest.SendAsync("still here", "alice")).Should().NotBeNull();
    }

    [Theory]
    [InlineData("alice\u200B")]
    [InlineData("\u0430lice")]
    [InlineData(" alice")]
    public async Task A_connection_named_by_a_refused_name_is_closed_with_the_reason_and_not_listed_online(string name)
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var impostor = app.CreateConnection(name);
        var closed = new TaskCompletionSource<Exception?>();
        impostor.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };

        try
        {
            await impostor.StartAsync().DefaultTimeout();
        }
        catch (Exception error)
        {
            closed.TrySetResult(error);
        }

        (await closed.Task.DefaultTimeout())!.Message.Should().Contain("The user name");
        (await alice.OnlineUsersAsync()).Should().Equal("alice");
        app.Logs.Lines.Should().ContainSingle(line => line.StartsWith("Information Chat.Server.Hubs.Refusals: Rejected connect", StringComparison.Ordinal));
        app.Logs.Lines.Should().NotContain(line => line.Contains("   at ", StringComparison.Ordinal), "a refused name is no error: no stack trace");
        app.Logs.Lines.Should().NotContain(line => line.StartsWith("Error ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Zoë")]
    [InlineData("Алиса")]
    [InlineData("Σωκράτης")]
    [InlineData("李雷")]
    [InlineData("Jean-Luc Picard")]
    [InlineData("O'Brien 2")]
    [InlineData("fox🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊")]
    public async Task Names_in_one_alphabet_with_single_spaces_are_accepted(string name)
    {
        await using var app = new ChatApplication();
        await using var user = await app.ConnectAsync(name);

        var ack = await user.SendAsync("hello", name);

        ack!.User.Should().Be(name);
        (await user.OnlineUsersAsync()).Should().Equal(name);
    }

    [Fact]
    public async Task Names_are_normalized_to_NFC_so_two_spellings_are_one_user()
    {
        await using var app = new ChatApplication();
        await using var decomposed = await app.ConnectAsync("Ame\u0301lie");
        await using var composed = await app.ConnectAsync("Am\u00E9lie");

        var ack = await decomposed.SendAsync("bonjour", "Am\u00E9lie");

        ack!.User.Should().Be("Am\u00E9lie");
        (await composed.OnlineUsersAsync()).Should().Equal("Am\u00E9lie");
        (await composed.SendAsync("salut", "Ame\u0301lie"))!.User.Should().Be("Am\u00E9lie");
    }

    [Fact]
    public async Task A_named_connection_cannot_send_under_another_name_and_nothing_is_stored()
    {
        await using var app = new ChatApplication();
        await using var mallory = await app.ConnectAsync("mallory");
        await using var alice = await app.ConnectAsync("alice");

        var impersonate = () => mallory.SendAsync("it is me, alice", "alice");

        (await impersonate.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("You are connected as mallory; send messages under that name, or reconnect under another.");
        (await alice.HistoryAsync()).Should().BeEmpty();
        (await mallory.SendAsync("hello", "mallory"))!.User.Should().Be("mallory");
        (await alice.MessagesAsync(1)).Single().User.Should().Be("mallory");
    }

    [Fact]
    public async Task Clear_without_sign_in_is_refused_unless_the_setting_allows_it()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await alice.SendAsync("keep me");

        var clear = () => alice.SendAsync("/clear");

        (await clear.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain(
            "/clear is off on this server: without sign-in anyone could delete everyone's history. An operator can allow it with Chat:AllowClearWithoutSignIn.");
        (await alice.HistoryAsync()).Should().ContainSingle().Which.Text.Should().Be("keep me");

        await using var open = new ChatApplication(new Dictionary<string, string?> { ["Chat:AllowClearWithoutSignIn"] = "true" });
        await using var bob = await open.ConnectAsync("bob");
        await bob.SendAsync("soon gone", "bob");
        (await bob.SendAsync("/clear", "bob")).Should().BeNull();
        (await bob.NextClearedAsync()).Should().BeTrue();
        (await bob.HistoryAsync()).Should().BeEmpty();
    }
}
