using Chat.Testing;
using System.Net;
using Chat.Server.Security;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Security;

/// <summary>
/// SPEC section 7: a connection belongs to the user who opened it. Long polling and server-sent events name the
/// connection in every request's URL (<c>?id=</c>), which proxies log; whoever learns it, with a valid token of
/// their own or none, gets 403 or 401 on it, and nothing is sent, stored or read. Spoken over raw HTTP to a real
/// server process, as the attacker would.
/// </summary>
public sealed class ConnectionOwnerTests(ConnectionOwnerTests.Servers servers) : IClassFixture<ConnectionOwnerTests.Servers>
{
    private static readonly string Alice = ChatTokens.Create(AuthTests.Key, "alice", admin: false, TimeSpan.FromHours(1));
    private static readonly string Carol = ChatTokens.Create(AuthTests.Key, "carol", admin: false, TimeSpan.FromHours(1));

    [Fact]
    public async Task Long_polling_requests_from_another_user_or_without_a_token_are_refused_and_do_nothing()
    {
        // Arrange: alice's long-polling connection, whose token carol has read in a proxy log
        using var alice = await RawHttpHub.NegotiateAsync(servers.SignedIn, Alice);
        await alice.StartLongPollingAsync(Alice);

        // Act: carol sends as alice, reads alice's frames and her direct conversation with bob; someone without a token too
        var forged = await alice.InvokeAsync("1", nameof(IChatHub.SendToRoom), ["@bob", "forged by carol", null], Carol);
        var read = await alice.PollAsync(Carol);
        var history = await alice.InvokeAsync("2", nameof(IChatHub.GetRoomHistory), ["@bob", null, 100], Carol);
        var anonymous = await alice.InvokeAsync("3", nameof(IChatHub.SendToRoom), ["@bob", "forged by nobody", null]);
        var anonymousRead = await alice.PollAsync();

        // Assert
        forged.Should().Be(HttpStatusCode.Forbidden);
        read.Status.Should().Be(HttpStatusCode.Forbidden);
        read.Body.Should().Be(ConnectionOwnerCheck.Refusal);
        history.Should().Be(HttpStatusCode.Forbidden);
        anonymous.Should().Be(HttpStatusCode.Unauthorized);
        anonymousRead.Status.Should().Be(HttpStatusCode.Unauthorized);

        // Assert: alice's connection works as before, and nothing was stored
        (await alice.InvokeAsync("4", nameof(IChatHub.SendToRoom), ["@bob", "from alice over long polling", null], Alice)).Should().Be(HttpStatusCode.OK);
        await alice.PollUntilAsync("\"invocationId\":\"4\"", Alice);
        (await alice.InvokeAsync("5", nameof(IChatHub.GetRoomHistory), ["@bob", null, 100], Alice)).Should().Be(HttpStatusCode.OK);
        var records = await alice.PollUntilAsync("\"invocationId\":\"5\"", Alice);
        records.Should().Contain("from alice over long polling").And.NotContain("forged");
    }

    [Fact]
    public async Task Server_sent_events_requests_from_another_user_or_without_a_token_are_refused_and_do_nothing()
    {
        // Arrange
        using var alice = await RawHttpHub.NegotiateAsync(servers.SignedIn, Alice);
        await alice.StartEventsAsync(Alice);

        // Act
        var forged = await alice.InvokeAsync("1", nameof(IChatHub.SendToRoom), ["@bob", "forged by carol", null], Carol);
        var stream = await alice.OpenEventsAsync(Carol);
        var anonymous = await alice.InvokeAsync("2", nameof(IChatHub.SendToRoom), ["@bob", "forged by nobody", null]);
        var anonymousStream = await alice.OpenEventsAsync();

        // Assert
        forged.Should().Be(HttpStatusCode.Forbidden);
        stream.Should().Be(HttpStatusCode.Forbidden);
        anonymous.Should().Be(HttpStatusCode.Unauthorized);
        anonymousStream.Should().Be(HttpStatusCode.Unauthorized);
        (await alice.InvokeAsync("3", nameof(IChatHub.GetRoomHistory), ["@bob", null, 100], Alice)).Should().Be(HttpStatusCode.OK);
        var completion = await alice.NextEventAsync();
        completion.Should().Contain("\"invocationId\":\"3\"").And.NotContain("forged");
    }

    [Fact]
    public async Task Without_sign_in_a_connection_answers_only_the_name_it_was_opened_with()
    {
        using var alice = await RawHttpHub.NegotiateAsync(servers.Open, user: "alice");
        await alice.StartLongPollingAsync();

        (await alice.InvokeAsync("1", nameof(IChatHub.SendToRoom), ["@bob", "forged", null], asUser: "carol")).Should().Be(HttpStatusCode.Forbidden);
        (await alice.PollAsync(asUser: "carol")).Status.Should().Be(HttpStatusCode.Forbidden);
        (await alice.InvokeAsync("2", nameof(IChatHub.SendToRoom), ["@bob", "from alice", null])).Should().Be(HttpStatusCode.OK);
        (await alice.PollUntilAsync("\"invocationId\":\"2\"")).Should().Contain("from alice");
    }

    [Fact]
    public async Task A_connection_token_never_handed_out_is_not_found()
    {
        using var http = new HttpClient { BaseAddress = servers.Open };

        using var response = await http.PostAsync("/hubs/chat?id=made-up&user=alice", new StringContent("{}"));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    /// <summary>One server with sign-in on and one without, shared by the tests (each uses connections of its own).</summary>
    public sealed class Servers : IAsyncLifetime
    {
        private ChatProcess? _signedIn;
        private ChatProcess? _open;

        public Uri SignedIn => _signedIn!.Url;

        public Uri Open => _open!.Url;

        public async Task InitializeAsync()
        {
            _signedIn = await ChatProcess.StartAsync("--Chat:Auth:SigningKey", AuthTests.Key);
            _open = await ChatProcess.StartAsync();
        }

        public async Task DisposeAsync()
        {
            await _signedIn!.DisposeAsync();
            await _open!.DisposeAsync();
        }
    }
}
