using Chat.Testing;
using System.Net;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Security;

/// <summary>SPEC section 7: browser pages of other origins may not use the hub unless Chat:AllowedOrigins lists them.</summary>
public class OriginTests
{
    private const string Allowed = "https://allowed.example";

    private static ChatApplication App() => new(new Dictionary<string, string?> { ["Chat:AllowedOrigins:0"] = Allowed });

    private static async Task<HttpResponseMessage> NegotiateAsync(ChatApplication app, string? origin)
    {
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/chat/negotiate?negotiateVersion=1");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Negotiate_from_another_origin_is_refused()
    {
        await using var app = App();

        using var response = await NegotiateAsync(app, "https://evil.example");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).Should().Contain("add it to Chat:AllowedOrigins");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("http://localhost")]
    public async Task Negotiate_from_the_servers_own_origin_or_a_non_browser_client_is_accepted(string? origin)
    {
        await using var app = App();

        using var response = await NegotiateAsync(app, origin);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_listed_origin_gets_CORS_with_credentials()
    {
        await using var app = App();

        using var response = await NegotiateAsync(app, Allowed);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(Allowed);
        response.Headers.GetValues("Access-Control-Allow-Credentials").Should().Equal("true");
    }

    [Fact]
    public async Task A_preflight_from_a_listed_origin_is_answered_and_one_from_another_origin_is_not()
    {
        await using var app = App();
        using var http = app.CreateClient();

        async Task<HttpResponseMessage> PreflightAsync(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "/hubs/chat/negotiate?negotiateVersion=1");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "x-requested-with,x-signalr-user-agent");
            return await http.SendAsync(request);
        }

        using var allowed = await PreflightAsync(Allowed);
        using var other = await PreflightAsync("https://evil.example");

        allowed.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(Allowed);
        other.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
    }

    [Fact]
    public async Task A_WebSocket_upgrade_from_another_origin_is_refused()
    {
        await using var app = App();
        var socket = app.Server.CreateWebSocketClient();
        socket.ConfigureRequest = request => request.Headers.Origin = "https://evil.example";

        var connect = () => socket.ConnectAsync(new Uri(app.Server.BaseAddress, "/hubs/chat?user=mallory"), CancellationToken.None).DefaultTimeout();

        (await connect.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("403");
    }

    [Fact]
    public async Task A_WebSocket_upgrade_from_a_listed_origin_connects()
    {
        await using var app = App();
        var socket = app.Server.CreateWebSocketClient();
        socket.ConfigureRequest = request => request.Headers.Origin = Allowed;

        using var connected = await socket.ConnectAsync(new Uri(app.Server.BaseAddress, "/hubs/chat?user=friend"), CancellationToken.None).DefaultTimeout();

        connected.State.Should().Be(System.Net.WebSockets.WebSocketState.Open);
    }

    [Fact]
    public async Task An_entry_that_is_not_an_origin_stops_the_server_with_a_message_naming_the_key()
    {
        await using var server = ChatProcess.Launch(new ChatProcessOptions { Arguments = ["--urls", "http://127.0.0.1:0", "--Chat:AllowedOrigins:0", "https://example.com/chat/"] });

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        exitCode.Should().Be(1);
        server.Output.Should().Contain("Chat:AllowedOrigins has 'https://example.com/chat/', which is not an origin");
    }

    [Fact]
    public async Task A_request_with_two_Origin_headers_is_refused()
    {
        await using var app = App();
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/chat/negotiate?negotiateVersion=1");
        request.Headers.TryAddWithoutValidation("Origin", ["http://localhost", "https://evil.example"]);

        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).Should().Be("A request may carry one Origin header; this one has several.");
    }

    [Fact]
    public async Task With_public_origins_a_DNS_rebinding_page_is_refused_and_the_public_origin_connects_whatever_the_Host()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:PublicOrigins:0"] = "https://chat.example.com" });
        using var http = app.CreateClient();

        async Task<HttpResponseMessage> NegotiateAsHostAsync(string host, string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/chat/negotiate?negotiateVersion=1");
            request.Headers.Host = host;
            request.Headers.Add("Origin", origin);
            return await http.SendAsync(request);
        }

        // The rebinding page: its name now points at this server, so Host and Origin agree.
        using var rebound = await NegotiateAsHostAsync("evil.example", "http://evil.example");
        using var own = await NegotiateAsHostAsync("10.0.0.5:5000", "https://chat.example.com");

        rebound.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        own.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(false, HttpStatusCode.Forbidden)]
    [InlineData(true, HttpStatusCode.OK)]
    public async Task Forwarded_headers_count_only_from_a_trusted_proxy(bool trusted, HttpStatusCode expected)
    {
        var database = ChatApplication.NewDatabasePath();
        try
        {
            await using var server = await ChatProcess.StartOnAsync(database, trusted ? ["--Chat:TrustedProxies:0", "127.0.0.1"] : []);
            using var http = new HttpClient { BaseAddress = server.Url };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/chat/negotiate?negotiateVersion=1");
            request.Headers.Add("X-Forwarded-Host", "chat.example.com");
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("Origin", "https://chat.example.com");

            using var response = await http.SendAsync(request);

            response.StatusCode.Should().Be(expected, "a local process that is not the proxy must not pick the host the origin check compares with");
        }
        finally
        {
            ChatApplication.DeleteDatabase(database);
        }
    }
}
