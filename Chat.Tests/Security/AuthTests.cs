using System.Net;
using System.Security.Claims;
using Chat.Server.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Security;

/// <summary>SPEC section 7: with a signing key set, only valid tokens connect, and the token decides who you are.</summary>
public class AuthTests
{
    public const string Key = "test-signing-key-0123456789abcdef-0123456789";

    private static ChatApplication SecuredApp() => new(new Dictionary<string, string?> { ["Chat:Auth:SigningKey"] = Key });

    private static string Token(string user, bool admin = false, TimeSpan? lifetime = null, string key = Key) =>
        ChatTokens.Create(key, user, admin, lifetime ?? TimeSpan.FromHours(1));

    public static TheoryData<string, string?> RefusedTokens => new()
    {
        { "no token", null },
        { "not a token", "not-a-jwt" },
        { "signed with another key", Token("alice", key: "another-signing-key-0123456789abcdef-0123") },
        { "expired", ChatTokens.Create(Key, "alice", false, TimeSpan.FromMinutes(5), DateTime.UtcNow.AddHours(-2)) },
        { "expired 10 s ago (the clock skew allowed is 5 s)", ChatTokens.Create(Key, "alice", false, TimeSpan.FromMinutes(5), DateTime.UtcNow.AddMinutes(-5).AddSeconds(-10)) },
        { "signed, without a name claim", Signed(new Claim(ChatTokens.RoleClaim, ChatTokens.AdminRole)) },
        { "signed, with an empty name", Signed(new Claim(ChatTokens.NameClaim, "")) },
    };

    /// <summary>A token signed with the server's key, valid for an hour, with only <paramref name="claims"/>.</summary>
    private static string Signed(params Claim[] claims) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(ChatTokens.KeyOf(Key), SecurityAlgorithms.HmacSha256),
        });

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Negotiate_without_a_valid_token_gets_401(string what, string? token)
    {
        await using var app = SecuredApp();
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/chat/negotiate?negotiateVersion=1&user=alice");
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, what);
    }

    [Fact]
    public async Task A_token_in_the_access_token_query_parameter_is_accepted()
    {
        await using var app = SecuredApp();
        using var http = app.CreateClient();

        using var response = await http.PostAsync($"/hubs/chat/negotiate?negotiateVersion=1&access_token={Token("alice")}", null);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_user_is_the_name_in_the_token_and_the_user_query_parameter_is_ignored()
    {
        await using var app = SecuredApp();
        await using var alice = await app.ConnectAsync(user: "mallory", token: Token("alice"));

        var online = await alice.OnlineUsersAsync();
        var ack = await alice.SendAsync("signed", "alice");

        online.Should().Equal("alice");
        ack!.User.Should().Be("alice");
    }

    [Fact]
    public async Task SendMessage_under_another_name_is_rejected_and_nothing_is_stored()
    {
        await using var app = SecuredApp();
        await using var alice = await app.ConnectAsync(user: null, token: Token("alice"));

        var impersonate = () => alice.SendAsync("it is me, bob", "bob");

        (await impersonate.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("You are signed in as alice; send messages under that name.");
        (await alice.HistoryAsync()).Should().BeEmpty();
        (await alice.SendAsync("still connected", "alice")).Should().NotBeNull();
    }

    [Fact]
    public async Task Clear_needs_the_admin_role()
    {
        await using var app = SecuredApp();
        await using var alice = await app.ConnectAsync(user: null, token: Token("alice"));
        await using var root = await app.ConnectAsync(user: null, token: Token("root", admin: true));
        await alice.SendAsync("keep me", "alice");

        var clearByUser = () => alice.SendAsync("/clear", "alice");

        (await clearByUser.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("Only admins can clear the history");
        (await alice.HistoryAsync()).Should().HaveCount(1);
        (await root.SendAsync("/clear", "root")).Should().BeNull();
        (await alice.NextClearedAsync()).Should().BeTrue();
        (await alice.HistoryAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Help_offers_clear_to_admins_only()
    {
        await using var app = SecuredApp();
        await using var alice = await app.ConnectAsync(user: null, token: Token("alice"));
        await using var root = await app.ConnectAsync(user: null, token: Token("root", admin: true));

        await alice.SendAsync("/help", "alice");
        await root.SendAsync("/help", "root");

        (await alice.NextNoticeAsync()).Should().NotContain("/clear", "only admins can clear");
        (await root.NextNoticeAsync()).Should().Contain("/clear");
    }
}
