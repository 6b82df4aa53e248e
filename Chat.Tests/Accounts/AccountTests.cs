using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Accounts;
using Chat.Server.History;
using Chat.Tests.Infrastructure;
using Chat.Tests.Security;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Accounts;

/// <summary>Built-in accounts over HTTP (SPEC section 13), each rule a test, on the in-memory server with its own SQLite file.</summary>
public sealed class AccountTests : IAsyncLifetime, IDisposable
{
    private const string Password = "correct horse battery";

    private readonly ChatApplication _app = new(new Dictionary<string, string?>
    {
        ["Chat:Auth:SigningKey"] = AuthTests.Key,
        ["Chat:Auth:Accounts"] = "true",
    });

    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        // https, so that the refresh cookie is marked Secure as it is behind TLS; cookies are kept like a browser's.
        _http = _app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), HandleCookies = true });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    public void Dispose() => _app.Dispose();

    private IHistoryStore Store => _app.Services.GetRequiredService<IHistoryStore>();

    /// <summary>A write of the store's in the writer's turn, as the server makes them (the store has one writer at a time).</summary>
    private static Task<T> WriteAsync<T>(ChatApplication app, Func<IHistoryStore, Task<T>> write) =>
        app.Services.GetRequiredService<HistoryWriter>().RunAsync((store, _) => write(store));

    private async Task<string> InviteAsync(int uses = 1, DateTime? expiresAt = null)
    {
        var code = Secrets.NewCode();
        await WriteAsync(_app, async store =>
        {
            await store.CreateInviteAsync(Secrets.Hash(code), uses, expiresAt ?? DateTime.UtcNow.AddDays(1), DateTime.UtcNow, default);
            return true;
        });
        return code;
    }

    private Task<HttpResponseMessage> PostAsync(string path, object? body = null, HttpClient? http = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (bearer is not null)
        {
            request.Headers.Authorization = new("Bearer", bearer);
        }

        return (http ?? _http).SendAsync(request);
    }

    private async Task<JsonElement> RegisterAsync(string name = "alice", string password = Password, string? client = null)
    {
        using var response = await PostAsync("/auth/register", new { name, password, invite = await InviteAsync(), client });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<string> DetailOf(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task Registration_needs_an_invite()
    {
        using var response = await PostAsync("/auth/register", new { name = "alice", password = Password });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await DetailOf(response)).Should().Be("An invite code is needed to register here; ask an admin for one.");
        (await Store.AccountAsync("alice", default)).Should().BeNull();
    }

    [Fact]
    public async Task With_open_registration_no_invite_is_needed()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?>
        {
            ["Chat:Auth:SigningKey"] = AuthTests.Key,
            ["Chat:Auth:Accounts"] = "true",
            ["Chat:Auth:OpenRegistration"] = "true",
        });
        using var http = app.CreateClient();

        using var response = await PostAsync("/auth/register", new { name = "alice", password = Password }, http);
        var config = await http.GetFromJsonAsync<JsonElement>("/auth/config");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        config.GetProperty("openRegistration").GetBoolean().Should().BeTrue();
        app.Logs.Lines.Should().Contain(line => line.Contains("Sign-in: built-in accounts, open registration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invite_is_good_for_its_uses_and_days()
    {
        var twice = await InviteAsync(uses: 2);
        var expired = await InviteAsync(expiresAt: DateTime.UtcNow.AddSeconds(-1));

        var statuses = new List<HttpStatusCode>();
        foreach (var name in new[] { "alice", "bob", "carol" })
        {
            using var response = await PostAsync("/auth/register", new { name, password = Password, invite = twice });
            statuses.Add(response.StatusCode);
        }

        using var late = await PostAsync("/auth/register", new { name = "dave", password = Password, invite = expired });

        statuses.Should().Equal(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest);
        late.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await DetailOf(late)).Should().Be("The invite code is not valid: unknown, used up or expired. Ask an admin for a new one.");
    }

    [Theory]
    [InlineData("short", "The password is too short: use at least 10 characters (a few words make a good one).")]
    [InlineData("Alice Smith", "The password may not be the user name; choose something else.")]
    [InlineData("x", "The password is too short: use at least 10 characters (a few words make a good one).")]
    public async Task Passwords_follow_the_rules(string password, string why)
    {
        using var response = await PostAsync("/auth/register", new { name = "alice smith", password, invite = await InviteAsync() });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await DetailOf(response)).Should().Be(why);
    }

    [Fact]
    public async Task A_password_longer_than_128_characters_is_refused_before_it_is_hashed()
    {
        using var response = await PostAsync("/auth/register", new { name = "alice", password = new string('p', 129), invite = await InviteAsync() });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await DetailOf(response)).Should().Be("The password is too long: use at most 128 characters.");
    }

    [Fact]
    public async Task A_taken_name_is_refused_and_the_name_rules_apply()
    {
        await RegisterAsync("alice");

        using var taken = await PostAsync("/auth/register", new { name = "alice", password = Password, invite = await InviteAsync() });
        using var mixed = await PostAsync("/auth/register", new { name = "\u0430lice", password = Password, invite = await InviteAsync() });

        taken.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await DetailOf(taken)).Should().Be("The name alice is taken; choose another one.");
        mixed.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await DetailOf(mixed)).Should().Contain("mixes Latin letters with Cyrillic");
    }

    [Fact]
    public async Task Login_gives_an_access_token_for_the_hub_and_an_HttpOnly_strict_secure_refresh_cookie()
    {
        await RegisterAsync("alice");
        using var login = await PostAsync("/auth/login", new { name = "alice", password = Password });
        var body = await login.Content.ReadFromJsonAsync<JsonElement>();
        var cookie = login.Headers.GetValues("Set-Cookie").Single(header => header.StartsWith(AccountEndpoints.RefreshCookie + "=", StringComparison.Ordinal));

        login.StatusCode.Should().Be(HttpStatusCode.OK);
        body.GetProperty("user").GetString().Should().Be("alice");
        body.TryGetProperty("refreshToken", out _).Should().BeFalse("the page's refresh token is in the cookie, out of the script's reach");
        cookie.Should().Contain("httponly").And.Contain("samesite=strict").And.Contain("secure").And.Contain("path=/auth");

        await using var alice = await _app.ConnectAsync(user: "mallory", token: body.GetProperty("accessToken").GetString());
        (await alice.SendAsync("hello"))!.User.Should().Be("alice");
    }

    [Fact]
    public async Task The_refresh_cookie_is_not_Secure_on_plain_http()
    {
        using var http = _app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost") });
        using var response = await PostAsync("/auth/register", new { name = "alice", password = Password, invite = await InviteAsync() }, http);

        response.Headers.GetValues("Set-Cookie").Single().Should().NotContain("secure");
    }

    [Fact]
    public async Task An_unknown_name_and_a_wrong_password_get_the_same_answer()
    {
        await RegisterAsync("alice");

        using var wrong = await PostAsync("/auth/login", new { name = "alice", password = "wrong password!" });
        using var unknown = await PostAsync("/auth/login", new { name = "nobody", password = "wrong password!" });

        wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        unknown.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var wrongBody = await wrong.Content.ReadAsStringAsync();
        var unknownBody = await unknown.Content.ReadAsStringAsync();
        wrongBody.Should().Be(unknownBody).And.Contain(AccountService.WrongNameOrPassword);
    }

    [Fact]
    public async Task Five_failures_for_a_name_from_one_address_answer_429_with_Retry_After()
    {
        await RegisterAsync("alice");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var failed = await PostAsync("/auth/login", new { name = "alice", password = $"wrong password {i}" });
            statuses.Add(failed.StatusCode);
        }

        using var blocked = await PostAsync("/auth/login", new { name = "Alice", password = Password });
        using var otherName = await PostAsync("/auth/login", new { name = "bob", password = "wrong password!" });

        statuses.Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        blocked.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "even the right password waits once the name is locked");
        blocked.Headers.RetryAfter!.Delta.Should().BePositive();
        (await DetailOf(blocked)).Should().StartWith("Too many failed sign-ins for this name from your address: at most 5 in 15 minutes.");
        otherName.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "other names are not locked");
    }

    [Fact]
    public async Task More_than_20_password_requests_a_minute_from_one_address_answer_429()
    {
        // A real server, so that the requests come from a real client address. The bucket refills as it goes (one every
        // 3 s), so the 22 requests go at once: 20 are taken, the rest refused.
        await using var chat = await ChatProcess.StartAsync("--Chat:Auth:SigningKey", AuthTests.Key, "--Chat:Auth:Accounts", "true");
        using var http = new HttpClient { BaseAddress = chat.Url };
        var answers = await Task.WhenAll(Enumerable.Range(0, 22).Select(async i =>
        {
            using var response = await PostAsync("/auth/login", new { name = $"user{i}", password = "wrong password!" }, http);
            return (response.StatusCode, response.Headers.RetryAfter?.Delta, Body: await response.Content.ReadAsStringAsync());
        }));

        var statuses = answers.Select(answer => answer.StatusCode).ToList();
        statuses.Count(status => status == HttpStatusCode.Unauthorized).Should().Be(20, string.Join(" ", statuses.Select(status => (int)status)));
        var refused = answers.Where(answer => answer.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        refused.Should().HaveCount(2);
        refused[0].Delta.Should().Be(TimeSpan.FromSeconds(60));
        refused[0].Body.Should().Contain("Too many sign-in requests from your address: at most 20 a minute. Wait a minute, then try again.");
    }

    [Fact]
    public async Task The_page_refreshes_with_its_cookie_and_each_refresh_token_works_once()
    {
        await RegisterAsync("alice");
        using var refreshed = await PostAsync("/auth/refresh");
        var body = await refreshed.Content.ReadFromJsonAsync<JsonElement>();

        refreshed.StatusCode.Should().Be(HttpStatusCode.OK);
        body.GetProperty("user").GetString().Should().Be("alice");
        refreshed.Headers.GetValues("Set-Cookie").Should().ContainSingle(header => header.StartsWith(AccountEndpoints.RefreshCookie + "=", StringComparison.Ordinal));
        await using var alice = await _app.ConnectAsync(token: body.GetProperty("accessToken").GetString());
    }

    [Fact]
    public async Task The_console_refreshes_with_the_token_in_the_body_and_gets_the_next_one_there()
    {
        var registered = await RegisterAsync("alice", client: "console");
        var first = registered.GetProperty("refreshToken").GetString();

        using var refreshed = await PostAsync("/auth/refresh", new { refreshToken = first });
        var body = await refreshed.Content.ReadFromJsonAsync<JsonElement>();

        refreshed.StatusCode.Should().Be(HttpStatusCode.OK);
        body.GetProperty("refreshToken").GetString().Should().NotBeNullOrEmpty().And.NotBe(first);
        refreshed.Headers.Contains("Set-Cookie").Should().BeFalse();
    }

    [Fact]
    public async Task A_reused_refresh_token_ends_its_session_and_the_one_that_replaced_it()
    {
        // A race window of 1 s instead of 30, so that the reuse below comes after it.
        await using var app = new ChatApplication(
            new Dictionary<string, string?> { ["Chat:Auth:SigningKey"] = AuthTests.Key, ["Chat:Auth:Accounts"] = "true" },
            services: services => services.AddSingleton(new RefreshRace { Window = TimeSpan.FromSeconds(1) }));
        using var http = app.CreateClient();
        var code = Secrets.NewCode();
        await WriteAsync(app, async store =>
        {
            await store.CreateInviteAsync(Secrets.Hash(code), 1, DateTime.UtcNow.AddDays(1), DateTime.UtcNow, default);
            return true;
        });
        using var registered = await PostAsync("/auth/register", new { name = "alice", password = Password, invite = code, client = "console" }, http);
        var first = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString();
        using var rotated = await PostAsync("/auth/refresh", new { refreshToken = first }, http);
        var renewed = await rotated.Content.ReadFromJsonAsync<JsonElement>();
        await using var connected = await app.ConnectAsync(token: renewed.GetProperty("accessToken").GetString());

        // Spent longer ago than a race of two tabs: a copy in someone else's hands.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var reused = await PostAsync("/auth/refresh", new { refreshToken = first }, http);
        using var successor = await PostAsync("/auth/refresh", new { refreshToken = renewed.GetProperty("refreshToken").GetString() }, http);

        reused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await DetailOf(reused)).Should().Be("This sign-in was used twice, so it has been ended everywhere: sign in again.");
        successor.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await connected.Closed.WaitAsync(TimeSpan.FromSeconds(10)); // the session's connections close within seconds
    }

    [Fact]
    public async Task A_refresh_token_spent_a_moment_ago_is_a_race_refused_without_ending_anything()
    {
        var first = (await RegisterAsync("alice", client: "console")).GetProperty("refreshToken").GetString();
        using var rotated = await PostAsync("/auth/refresh", new { refreshToken = first });
        var second = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString();

        using var raced = await PostAsync("/auth/refresh", new { refreshToken = first });
        using var next = await PostAsync("/auth/refresh", new { refreshToken = second });

        raced.StatusCode.Should().Be(HttpStatusCode.Conflict);
        next.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Logout_ends_the_session_and_forgets_the_cookie()
    {
        await RegisterAsync("alice");

        using var logout = await PostAsync("/auth/logout");
        using var refresh = await PostAsync("/auth/refresh");

        logout.StatusCode.Should().Be(HttpStatusCode.NoContent);
        logout.Headers.GetValues("Set-Cookie").Single().Should().Contain("expires=Thu, 01 Jan 1970");
        refresh.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_password_change_ends_the_other_sessions_and_keeps_this_one()
    {
        var here = await RegisterAsync("alice", client: "console");
        var elsewhere = await (await PostAsync("/auth/login", new { name = "alice", password = Password, client = "console" })).Content.ReadFromJsonAsync<JsonElement>();
        await using var otherTab = await _app.ConnectAsync(token: elsewhere.GetProperty("accessToken").GetString());

        using var changed = await PostAsync("/auth/password", new { old = Password, @new = "a new long password" }, bearer: here.GetProperty("accessToken").GetString());
        using var hereRefresh = await PostAsync("/auth/refresh", new { refreshToken = here.GetProperty("refreshToken").GetString() });
        using var elsewhereRefresh = await PostAsync("/auth/refresh", new { refreshToken = elsewhere.GetProperty("refreshToken").GetString() });
        using var oldPassword = await PostAsync("/auth/login", new { name = "alice", password = Password });
        using var newPassword = await PostAsync("/auth/login", new { name = "alice", password = "a new long password" });

        changed.StatusCode.Should().Be(HttpStatusCode.OK);
        hereRefresh.StatusCode.Should().Be(HttpStatusCode.OK);
        elsewhereRefresh.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        oldPassword.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        newPassword.StatusCode.Should().Be(HttpStatusCode.OK);
        await otherTab.Closed.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_password_change_needs_the_current_password()
    {
        var here = await RegisterAsync("alice");

        using var response = await PostAsync("/auth/password", new { old = "not the password", @new = "a new long password" }, bearer: here.GetProperty("accessToken").GetString());
        using var unsigned = await PostAsync("/auth/password", new { old = Password, @new = "a new long password" });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await DetailOf(response)).Should().Be("The current password is wrong.");
        unsigned.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Bad_bodies_get_a_problem_that_shows_the_shape()
    {
        using var notJson = await _http.PostAsync("/auth/login", new StringContent("name=alice", System.Text.Encoding.UTF8, "application/json"));

        notJson.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await DetailOf(notJson)).Should().Be("""The body must be JSON like {"name": "...", "password": "..."}, at most 16 KiB.""");
    }

    [Fact]
    public async Task Invites_over_HTTP_are_for_admins()
    {
        var alice = await RegisterAsync("alice");
        using var refused = await PostAsync("/auth/invites", new { uses = 3 }, bearer: alice.GetProperty("accessToken").GetString());
        await WriteAsync(_app, store => store.CreateAccountAsync(new Account("root", AccountService.HashPassword("root", Password), Admin: true, Disabled: false, MustChangePassword: false), null, DateTime.UtcNow, default));
        var root = await (await PostAsync("/auth/login", new { name = "root", password = Password })).Content.ReadFromJsonAsync<JsonElement>();

        using var made = await PostAsync("/auth/invites", new { uses = 3, days = 2 }, bearer: root.GetProperty("accessToken").GetString());
        var code = (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
        using var used = await PostAsync("/auth/register", new { name = "bob", password = Password, invite = code });

        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        made.StatusCode.Should().Be(HttpStatusCode.OK);
        used.StatusCode.Should().Be(HttpStatusCode.OK);
        root.GetProperty("admin").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task A_one_time_password_signs_in_only_to_change_it()
    {
        await WriteAsync(_app, store => store.CreateAccountAsync(new Account("bob", AccountService.HashPassword("bob", "one-time-password-1"), Admin: false, Disabled: false, MustChangePassword: true), null, DateTime.UtcNow, default));
        var login = await (await PostAsync("/auth/login", new { name = "bob", password = "one-time-password-1" })).Content.ReadFromJsonAsync<JsonElement>();
        var restricted = login.GetProperty("accessToken").GetString();

        var connect = async () => { await using var _ = await _app.ConnectAsync(token: restricted); };
        using var changed = await PostAsync("/auth/password", new { old = "one-time-password-1", @new = "bob's own password" }, bearer: restricted);
        var fresh = (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();

        login.GetProperty("mustChangePassword").GetBoolean().Should().BeTrue();
        await connect.Should().ThrowAsync<HttpRequestException>().Where(e => e.StatusCode == HttpStatusCode.Unauthorized);
        changed.StatusCode.Should().Be(HttpStatusCode.OK);
        await using var bob = await _app.ConnectAsync(token: fresh);
        (await bob.SendAsync("changed", "bob"))!.User.Should().Be("bob");
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in_and_its_connections_close_within_5_seconds()
    {
        var alice = await RegisterAsync("alice");
        await using var connected = await _app.ConnectAsync(token: alice.GetProperty("accessToken").GetString());

        var clock = Stopwatch.StartNew();
        await WriteAsync(_app, store => store.SetDisabledAsync("alice", true, DateTime.UtcNow, default));
        await connected.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        var closedAfter = clock.Elapsed;
        using var login = await PostAsync("/auth/login", new { name = "alice", password = Password });
        var reconnect = async () => { await using var _ = await _app.ConnectAsync(token: alice.GetProperty("accessToken").GetString()); };

        closedAfter.Should().BeLessThan(TimeSpan.FromSeconds(5));
        login.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await DetailOf(login)).Should().Be("This account is disabled; ask an admin.");
        await reconnect.Should().ThrowAsync<HttpRequestException>().Where(e => e.StatusCode == HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_page_learns_which_sign_in_is_on()
    {
        var config = await _http.GetFromJsonAsync<JsonElement>("/auth/config");

        config.GetProperty("mode").GetString().Should().Be("accounts");
        config.GetProperty("openRegistration").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task No_password_token_or_invite_reaches_the_log()
    {
        var invite = await InviteAsync();
        using var registered = await PostAsync("/auth/register", new { name = "alice", password = Password, invite, client = "console" });
        var body = await registered.Content.ReadFromJsonAsync<JsonElement>();
        using var refreshed = await PostAsync("/auth/refresh", new { refreshToken = body.GetProperty("refreshToken").GetString() });
        using var wrong = await PostAsync("/auth/login", new { name = "alice", password = "a wrong password" });
        await using (await _app.ConnectAsync(token: body.GetProperty("accessToken").GetString()))
        {
        }

        var secrets = new[] { Password, "a wrong password", invite, body.GetProperty("accessToken").GetString()!, body.GetProperty("refreshToken").GetString()! };
        _app.Logs.Lines.Should().NotContain(line => secrets.Any(secret => line.Contains(secret, StringComparison.Ordinal)));
        _app.Logs.Lines.Should().Contain(line => line.Contains("Sign-in: built-in accounts, registration by invite", StringComparison.Ordinal));
    }
}
