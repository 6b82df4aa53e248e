using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using Chat.Tests.Security;

namespace Chat.Tests.Accounts;

/// <summary>The <c>accounts</c> command as a real process, on the history file of a running server.</summary>
public sealed class AccountsCommandTests : IAsyncLifetime, IDisposable
{
    private readonly ChatApplication _app = new(new Dictionary<string, string?>
    {
        ["Chat:Auth:SigningKey"] = AuthTests.Key,
        ["Chat:Auth:Accounts"] = "true",
    });

    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _http = _app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    public void Dispose() => _app.Dispose();

    private Task<DotnetProcess.Result> AccountsAsync(params string[] arguments) =>
        DotnetProcess.RunAsync("Chat.Server.dll", ["accounts", .. arguments, "--ConnectionStrings:Chat", $"Data Source={_app.DatabasePath}"]);

    private static string LastLine(string output) => output.TrimEnd().Split('\n')[^1].Trim();

    [Fact]
    public async Task Add_prints_a_one_time_password_that_must_be_changed_at_the_first_sign_in()
    {
        _ = _app.Server; // the server has its history file open, as in production
        var added = await AccountsAsync("add", "carol", "--admin");
        var password = LastLine(added.Output);

        using var login = await _http.PostAsJsonAsync("/auth/login", new { name = "carol", password });
        var body = await login.Content.ReadFromJsonAsync<JsonElement>();
        var again = await AccountsAsync("add", "carol");
        var listed = await AccountsAsync("list");

        added.ExitCode.Should().Be(0, added.Error);
        added.Error.Should().Contain("Account carol (admin) created.");
        login.StatusCode.Should().Be(HttpStatusCode.OK);
        body.GetProperty("mustChangePassword").GetBoolean().Should().BeTrue();
        body.GetProperty("admin").GetBoolean().Should().BeTrue();
        again.ExitCode.Should().Be(1);
        again.Error.Trim().Should().Be("error: There is an account called carol already.");
        listed.Output.Trim().Should().Be("carol (admin, must change password)");
    }

    [Fact]
    public async Task Invite_prints_a_code_good_for_its_uses()
    {
        _ = _app.Server;
        var invited = await AccountsAsync("invite", "--uses", "2", "--days", "3");
        var code = LastLine(invited.Output);

        var statuses = new List<HttpStatusCode>();
        foreach (var name in new[] { "alice", "bob", "carol" })
        {
            using var response = await _http.PostAsJsonAsync("/auth/register", new { name, password = "correct horse battery", invite = code });
            statuses.Add(response.StatusCode);
        }

        invited.ExitCode.Should().Be(0, invited.Error);
        invited.Error.Should().Contain("Invite code for 2 registrations, valid until");
        statuses.Should().Equal(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    public async Task Invite_refuses_uses_out_of_range(string uses)
    {
        var invited = await AccountsAsync("invite", "--uses", uses);

        invited.ExitCode.Should().NotBe(0);
        invited.Error.Should().Contain("--uses must be 1 to 1000.");
    }

    [Fact]
    public async Task Disable_closes_the_users_connections_within_5_seconds()
    {
        var invite = LastLine((await AccountsAsync("invite")).Output);
        using var registered = await _http.PostAsJsonAsync("/auth/register", new { name = "alice", password = "correct horse battery", invite });
        registered.StatusCode.Should().Be(HttpStatusCode.OK, await registered.Content.ReadAsStringAsync());
        var token = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        await using var alice = await _app.ConnectAsync(token: token);

        var disabled = await AccountsAsync("disable", "alice");
        var clock = Stopwatch.StartNew();
        await alice.Closed.WaitAsync(TimeSpan.FromSeconds(10));

        disabled.ExitCode.Should().Be(0, disabled.Error);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        (await AccountsAsync("disable", "nobody")).Error.Trim().Should().Be("error: There is no account called nobody.");
    }
}
