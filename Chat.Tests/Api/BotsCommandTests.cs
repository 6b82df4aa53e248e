using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Api;

/// <summary>The <c>bots</c> command as a real process, on the history file of a running server: its token works at once, and is refused once revoked.</summary>
public sealed class BotsCommandTests
{
    private static Task<DotnetProcess.Result> BotsAsync(ChatApplication app, params string[] arguments) =>
        DotnetProcess.RunAsync("Chat.Server.dll", ["bots", .. arguments, "--ConnectionStrings:Chat", $"Data Source={app.DatabasePath}"]);

    [Fact]
    public async Task Add_prints_a_token_the_running_server_takes_and_revoke_makes_it_401()
    {
        await using var app = new ChatApplication();
        var http = app.CreateClient();
        _ = app.Server; // the server has its history file open, as in production

        var added = await BotsAsync(app, "add", "helper", "--scopes", "messages:write, rooms:manage");
        var token = added.Output.TrimEnd().Split('\n')[^1].Trim();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var posted = await http.PostAsJsonAsync("/api/v1/rooms/general/messages", new { text = "hello from a bot" });
        var again = await BotsAsync(app, "add", "helper", "--scopes", "messages:write");
        var badScope = await BotsAsync(app, "add", "other", "--scopes", "messages:write,everything");
        var revoked = await BotsAsync(app, "revoke", "helper");
        using var afterRevoke = await http.PostAsJsonAsync("/api/v1/rooms/general/messages", new { text = "still here?" });
        var listed = await BotsAsync(app, "list");

        added.ExitCode.Should().Be(0, added.Error);
        token.Should().StartWith("chatbot_");
        added.Error.Should().Contain("Bot helper added with messages:write, rooms:manage.");
        posted.StatusCode.Should().Be(HttpStatusCode.Created);
        again.ExitCode.Should().Be(1);
        again.Error.Trim().Should().Be("error: There is a bot called helper already (revoked bots keep their names).");
        badScope.ExitCode.Should().Be(1);
        badScope.Error.Should().Contain("--scopes takes one or more of messages:read, messages:write, rooms:manage");
        revoked.ExitCode.Should().Be(0, revoked.Error);
        afterRevoke.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a revoked token is refused from the next request on");
        listed.Output.Trim().Should().Be("helper (messages:write, rooms:manage) revoked");
    }
}
