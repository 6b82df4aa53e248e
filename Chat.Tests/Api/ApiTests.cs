using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chat.Server.Accounts;
using Chat.Server.Api;
using Chat.Server.History;
using Chat.Server.Security;
using Chat.Tests.Infrastructure;
using Chat.Tests.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Api;

/// <summary>SPEC section 15's server API: every route and scope, bot tokens, budgets, and problem details for every refusal.</summary>
public sealed class ApiTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds a bot to the application's store as <c>bots add</c> does; returns its token.</summary>
    private static async Task<string> AddBotAsync(ChatApplication app, string name, params string[] scopes)
    {
        var token = BotsCommand.NewToken();
        (await app.Services.GetRequiredService<IHistoryStore>().AddBotAsync(name, Secrets.Hash(token), scopes, DateTime.UtcNow, default)).Should().BeTrue();
        return token;
    }

    private static HttpClient Client(ChatApplication app, string? token)
    {
        var http = app.CreateClient();
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    /// <summary>The response is a problem (RFC 9457) with <paramref name="status"/>; returns its detail.</summary>
    private static async Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.Should().Be(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        return problem.TryGetProperty("detail", out var detail) ? detail.GetString()! : "";
    }

    [Fact]
    public async Task A_bot_creates_a_room_adds_a_member_posts_edits_deletes_and_reads_and_people_see_its_messages_as_a_bots()
    {
        await using var app = new ChatApplication();
        var token = await AddBotAsync(app, "helper", BotScopes.MessagesRead, BotScopes.MessagesWrite, BotScopes.RoomsManage);
        var http = Client(app, token);
        await using var alice = await app.ConnectAsync("alice");

        using var created = await http.PostAsJsonAsync("/api/v1/rooms", new { room = "support-42", @private = true, topic = "Order 42" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        (await created.Content.ReadFromJsonAsync<RoomSummary>(Json)).Should().Be(new RoomSummary("support-42", null, 0) { Private = true, Topic = "Order 42", Role = "owner" });
        using var added = await http.PutAsync("/api/v1/rooms/support-42/members/alice", null);
        added.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await alice.NextRoomEventAsync()).Should().Be("UserJoinedRoom support-42 alice");

        using var posted = await http.PostAsJsonAsync("/api/v1/rooms/support-42/messages", new { text = "Hello @alice, how can we help?", clientMessageId = "m-1" });
        posted.StatusCode.Should().Be(HttpStatusCode.Created);
        var message = (await posted.Content.ReadFromJsonAsync<ChatMessage>(Json))!;
        (await posted.Content.ReadAsStringAsync()).Should().Contain("\"bot\":true");
        message.Should().BeEquivalentTo(new { Room = "support-42", User = "helper", Text = "Hello @alice, how can we help?", Bot = true, Mentions = (string[])["alice"] });
        posted.Headers.Location!.ToString().Should().Be($"/api/v1/rooms/support-42/messages/{message.Id}");
        (await alice.NextMessageAsync()).Should().BeEquivalentTo(message, "people receive a bot's message as any other, marked as a bot's");
        using var again = await http.PostAsJsonAsync("/api/v1/rooms/support-42/messages", new { text = "Hello @alice, how can we help?", clientMessageId = "m-1" });
        (await again.Content.ReadFromJsonAsync<ChatMessage>(Json)).Should().BeEquivalentTo(message, "the same client message id stores nothing new");

        using var edited = await http.PatchAsJsonAsync($"/api/v1/rooms/support-42/messages/{message.Id}", new { text = "Hello, how can we help?" });
        edited.StatusCode.Should().Be(HttpStatusCode.OK);
        (await edited.Content.ReadFromJsonAsync<ChatMessage>(Json))!.Text.Should().Be("Hello, how can we help?");
        var answer = (await alice.SendToAsync("support-42", "my parcel is late"))!;
        using var read = await http.GetAsync($"/api/v1/rooms/support-42/messages?after={message.Id}&limit=10");
        (await read.Content.ReadFromJsonAsync<ChatMessage[]>(Json)).Should().Equal(answer);
        (await ProblemAsync(await http.DeleteAsync($"/api/v1/rooms/support-42/messages/{answer.Id}"), HttpStatusCode.Forbidden))
            .Should().Be($"Message {answer.Id} is alice's; a bot changes only its own messages.");
        using var deleted = await http.DeleteAsync($"/api/v1/rooms/support-42/messages/{message.Id}");
        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await alice.RoomHistoryAsync("support-42")).First().Should().BeEquivalentTo(new { message.Id, Deleted = true, Bot = true });

        using var listed = await http.GetAsync("/api/v1/rooms");
        (await listed.Content.ReadFromJsonAsync<RoomListing[]>(Json)).Should().Equal(new RoomListing("support-42", 2) { Private = true, Topic = "Order 42" });
        using var removed = await http.DeleteAsync("/api/v1/rooms/support-42/members/alice");
        removed.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await alice.NextRoomEventAsync()).Should().Be("UserLeftRoom support-42 alice");
    }

    [Fact]
    public async Task Every_route_needs_a_live_bot_token_with_its_scope_and_every_refusal_is_a_problem()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Auth:SigningKey"] = AuthTests.Key });
        var writer = await AddBotAsync(app, "writer", BotScopes.MessagesWrite);
        var revoked = await AddBotAsync(app, "gone", BotScopes.MessagesWrite, BotScopes.MessagesRead, BotScopes.RoomsManage);
        await app.Services.GetRequiredService<IHistoryStore>().RevokeBotAsync("gone", DateTime.UtcNow, default);
        var userToken = ChatTokens.Create(AuthTests.Key, "alice", admin: true, TimeSpan.FromHours(1));

        foreach (var (token, expected) in new (string?, string)[]
        {
            (null, "This route needs a bot token"),
            ("chatbot_not-a-real-one", "The bot token is not known."),
            (revoked, "The bot's token was revoked."),
            (userToken, "This route needs a bot token"),
        })
        {
            (await ProblemAsync(await Client(app, token).GetAsync("/api/v1/rooms"), HttpStatusCode.Unauthorized)).Should().StartWith(expected);
        }

        var http = Client(app, writer);
        (await ProblemAsync(await http.GetAsync("/api/v1/rooms/general/messages"), HttpStatusCode.Forbidden)).Should().Contain("lacks the scope this route needs (messages:read)");
        (await ProblemAsync(await http.PostAsJsonAsync("/api/v1/rooms", new { room = "x" }), HttpStatusCode.Forbidden)).Should().Contain("(rooms:manage)");
        (await ProblemAsync(await http.PutAsync("/api/v1/rooms/x/members/alice", null), HttpStatusCode.Forbidden)).Should().Contain("(rooms:manage)");
        (await ProblemAsync(await http.PostAsJsonAsync("/api/v1/rooms/dev/messages", new { text = "hi" }), HttpStatusCode.Forbidden))
            .Should().Be("The bot is not in #dev; add it with PUT /api/v1/rooms/dev/members/writer (a bot that owns or moderates the room), or create the room with POST /api/v1/rooms.");
        (await ProblemAsync(await http.PostAsJsonAsync("/api/v1/rooms/Bad Room/messages", new { text = "hi" }), HttpStatusCode.BadRequest)).Should().Contain("room name");
        (await ProblemAsync(await http.PostAsJsonAsync("/api/v1/rooms/general/messages", new { text = "" }), HttpStatusCode.BadRequest)).Should().Contain("empty");
        (await ProblemAsync(await http.PostAsJsonAsync("/api/v1/rooms/general/messages", new { text = new string('x', 2001) }), HttpStatusCode.BadRequest)).Should().Contain("2000");
        (await ProblemAsync(await http.PostAsync("/api/v1/rooms/general/messages", new StringContent("{ not json", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest))
            .Should().NotBeNull();
        (await ProblemAsync(await http.PatchAsJsonAsync("/api/v1/rooms/general/messages/999", new { text = "x" }), HttpStatusCode.NotFound)).Should().Be("There is no message 999 in general.");
        (await ProblemAsync(await http.GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound)).Should().NotBeNull();

        using var posted = await http.PostAsJsonAsync("/api/v1/rooms/general/messages", new { text = "from a bot while sign-in is on" });
        posted.StatusCode.Should().Be(HttpStatusCode.Created, "a bot token is not a user's token, and the other way round");
    }

    [Fact]
    public async Task A_bot_writes_directly_to_people_within_the_direct_conversations_a_person_may_have()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Rooms:MaxDirectPerUser"] = "1" });
        var http = Client(app, await AddBotAsync(app, "notifier", BotScopes.MessagesWrite));
        await using var alice = await app.ConnectAsync("alice");

        using var first = await http.PostAsJsonAsync("/api/v1/rooms/@alice/messages", new { text = "your order shipped" });
        using var again = await http.PostAsJsonAsync("/api/v1/rooms/@alice/messages", new { text = "and arrives Monday" });
        using var another = await http.PostAsJsonAsync("/api/v1/rooms/@bob/messages", new { text = "hello bob" });

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        (await alice.NextMessageAsync()).Should().BeEquivalentTo(new { Room = "@notifier", User = "notifier", Text = "your order shipped", Bot = true });
        again.StatusCode.Should().Be(HttpStatusCode.Created);
        (await ProblemAsync(another, HttpStatusCode.Conflict)).Should().StartWith("The bot has 1 direct conversations, the most allowed (Chat:Rooms:MaxDirectPerUser)");
    }

    [Fact]
    public async Task Each_bot_has_its_own_budget_and_past_it_gets_429_saying_what_is_allowed()
    {
        // The connection limits off: their 429 is not there to lend the API's refusal its status.
        await using var app = new ChatApplication(new Dictionary<string, string?>
        {
            ["Chat:Api:RequestsPerSecond"] = "1",
            ["Chat:Api:Burst"] = "3",
            ["Chat:Limits:ConnectionsPerAddress"] = "0",
            ["Chat:Limits:ConnectsPerSecond"] = "0",
            ["Chat:Limits:MaxConnections"] = "0",
            ["Chat:Limits:ConnectionsPerUser"] = "0",
        });
        var first = Client(app, await AddBotAsync(app, "first", BotScopes.MessagesRead));
        var second = Client(app, await AddBotAsync(app, "second", BotScopes.MessagesRead));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await first.GetAsync("/api/v1/rooms")).StatusCode);
        }

        statuses.Should().Equal(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests);
        var refused = await first.GetAsync("/api/v1/rooms");
        (await ProblemAsync(refused, HttpStatusCode.TooManyRequests)).Should().Be(
            "This bot made more than 1 requests a second (bursts of 3; Chat:Api:RequestsPerSecond, Chat:Api:Burst); try again in a second.");
        refused.Headers.RetryAfter.Should().NotBeNull();
        (await second.GetAsync("/api/v1/rooms")).StatusCode.Should().Be(HttpStatusCode.OK, "another bot's budget is its own");
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_route_with_its_problems()
    {
        await using var app = new ChatApplication();

        using var response = await app.CreateClient().GetAsync("/openapi/v1.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(method => method.Name is "get" or "post" or "put" or "patch" or "delete").Select(method => (Route: $"{method.Name.ToUpperInvariant()} {path.Name}", Operation: method.Value)))
            .ToList();
        operations.Select(operation => operation.Route).Should().BeEquivalentTo(
            "POST /api/v1/rooms/{room}/messages",
            "PATCH /api/v1/rooms/{room}/messages/{id}",
            "DELETE /api/v1/rooms/{room}/messages/{id}",
            "GET /api/v1/rooms/{room}/messages",
            "GET /api/v1/rooms",
            "POST /api/v1/rooms",
            "PUT /api/v1/rooms/{room}/members/{user}",
            "DELETE /api/v1/rooms/{room}/members/{user}");
        foreach (var (route, operation) in operations)
        {
            operation.GetProperty("summary").GetString().Should().NotBeNullOrEmpty(route);
            var responses = operation.GetProperty("responses");
            foreach (var status in new[] { "400", "401", "403", "429" })
            {
                responses.GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out _).Should().BeTrue($"{route} documents its {status} as a problem");
            }
        }

        document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bot").GetProperty("scheme").GetString().Should().Be("bearer");
    }
}
