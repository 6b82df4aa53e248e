using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Chat.Server.Security;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Tests.Security;

/// <summary>
/// OpenID Connect single sign-on on the server (SPEC section 13): access tokens of a real provider started on loopback,
/// checked by its published keys (followed when it rotates them), issuer, audience, algorithm and lifetime.
/// </summary>
public sealed class SingleSignOnTests : IAsyncLifetime, IDisposable
{
    private OidcProvider _provider = null!;
    private ChatApplication _app = null!;

    public async Task InitializeAsync()
    {
        _provider = await OidcProvider.StartAsync(["http://localhost/"]);
        _app = new ChatApplication(new Dictionary<string, string?>
        {
            ["Chat:Auth:Authority"] = _provider.Issuer,
            ["Chat:Auth:Audience"] = OidcProvider.Audience,
            ["Chat:Auth:ClientId"] = OidcProvider.ClientId,
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
    }

    public void Dispose() => _app.Dispose();

    private async Task<HttpStatusCode> NegotiateAsync(string token)
    {
        using var http = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/chat/negotiate?negotiateVersion=1");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    [SkippableFact]
    public async Task A_providers_token_signs_in_under_the_configured_name_claim_not_its_display_name_and_stays_out_of_the_log()
    {
        var token = _provider.Token("alice");
        await using var alice = await _app.ConnectAsync(user: "mallory", token: token);

        (await alice.OnlineUsersAsync()).Should().Equal("alice");
        (await alice.SendAsync("hello from single sign-on", "alice"))!.User.Should().Be("alice");
        (await NegotiateAsync(_provider.Token("alice", audience: "another-api"))).Should().Be(HttpStatusCode.Unauthorized);
        _app.Logs.Lines.Should().NotContain(line => line.Contains(token.Split('.')[2], StringComparison.Ordinal));
    }

    public static TheoryData<string> Refused => new()
    {
        "another issuer", "another audience", "expired", "HS256 instead of RS256", "signed with another key", "without a name",
    };

    [SkippableTheory]
    [MemberData(nameof(Refused))]
    public async Task Tokens_the_provider_did_not_issue_for_Chat_get_401(string what)
    {
        var token = what switch
        {
            "another issuer" => _provider.Token("alice", issuer: "http://127.0.0.1:1"),
            "another audience" => _provider.Token("alice", audience: "another-api"),
            "expired" => _provider.Token("alice", issuedAt: DateTime.UtcNow.AddMinutes(-10), lifetime: TimeSpan.FromMinutes(5)),
            "HS256 instead of RS256" => _provider.Token("alice", key: new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), algorithm: SecurityAlgorithms.HmacSha256),
            "signed with another key" => _provider.Token("alice", key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = _provider.Key.KeyId }),
            _ => _provider.Token(""),
        };

        (await NegotiateAsync(token)).Should().Be(HttpStatusCode.Unauthorized, what);
        (await NegotiateAsync(_provider.Token("alice"))).Should().Be(HttpStatusCode.OK, "the provider's own token for Chat is taken");
    }

    [SkippableFact]
    public async Task A_key_the_provider_rotates_in_is_followed()
    {
        (await NegotiateAsync(_provider.Token("alice"))).Should().Be(HttpStatusCode.OK);

        await _provider.RotateAsync();

        // The server fetches the provider's keys again when a token names one it does not know.
        await Eventually.UntilAsync(async () => await NegotiateAsync(_provider.Token("alice")) == HttpStatusCode.OK, "a token signed with the new key is taken");
    }

    [SkippableFact]
    public async Task The_admin_role_claim_makes_an_admin()
    {
        await using var admin = await _app.ConnectAsync(token: _provider.Token("root", roles: [OidcProvider.AdminRole]));
        await using var member = await _app.ConnectAsync(token: _provider.Token("bob", roles: ["chat-user"]));

        var refused = async () => await member.SendAsync("/clear", "bob");
        await refused.Should().ThrowAsync<HubException>().WithMessage("*Only admins can clear the history*");
        await admin.SendAsync("/clear", "root");
        (await member.NextClearedAsync()).Should().BeTrue();
    }

    [SkippableFact]
    public async Task The_page_learns_the_provider_from_the_server()
    {
        using var http = _app.CreateClient();

        var config = await http.GetFromJsonAsync<JsonElement>("/auth/config");

        config.GetProperty("mode").GetString().Should().Be("sso");
        config.GetProperty("authority").GetString().Should().Be(_provider.Issuer);
        config.GetProperty("clientId").GetString().Should().Be(OidcProvider.ClientId);
        config.GetProperty("scopes").GetString().Should().Be("openid profile offline_access");
        _app.Logs.Lines.Should().Contain(line => line.Contains($"Sign-in: single sign-on with {_provider.Issuer}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_http_authority_off_loopback_and_one_mixed_with_accounts_stop_the_server()
    {
        await using var server = ChatProcess.Launch(new ChatProcessOptions
        {
            Arguments =
            [
                "--urls", "http://127.0.0.1:0", "--Chat:Auth:Authority", "http://login.example.com/realms/team",
                "--Chat:Auth:Audience", "chat", "--Chat:Auth:ClientId", "chat-page", "--Chat:Auth:Accounts", "true",
            ],
        });

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        exitCode.Should().Be(1);
        server.Output.Should()
            .Contain("Configuration error: Chat:Auth:Authority (single sign-on) and Chat:Auth:Accounts (built-in accounts) are both set; choose one of the two.")
            .And.Contain("an http:// provider is accepted on a loopback address only");
    }
}
