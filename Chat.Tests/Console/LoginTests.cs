using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Chat.Tests.Browser;
using Chat.Tests.Infrastructure;
using Chat.Tests.Security;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.ConsoleClient;

/// <summary>
/// The console's <c>login</c> (SPEC section 13) as real processes: with built-in accounts it asks for the name and
/// password; with single sign-on it completes the device authorization grant at a real provider, whose page a browser
/// (Playwright) goes through. The sign-in is kept 0600 in the user's config folder and used by the next runs.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed partial class LoginTests(BrowserFixture browser) : IDisposable
{
    private const string Client = "Chat.Client.Console.dll";

    private readonly string _config = Directory.CreateTempSubdirectory("chat-config-").FullName;

    private Dictionary<string, string?> Environment => new() { ["XDG_CONFIG_HOME"] = _config };

    private string SignInsFile => Path.Combine(_config, "chat", "sign-ins.json");

    public void Dispose() => Directory.Delete(_config, recursive: true);

    [Fact]
    public async Task Login_with_an_account_keeps_the_sign_in_0600_and_the_next_runs_use_it_without_a_name()
    {
        await using var chat = await ChatProcess.StartAsync("--Chat:Auth:SigningKey", AuthTests.Key, "--Chat:Auth:Accounts", "true");
        var oneTime = (await DotnetProcess.RunAsync("Chat.Server.dll", ["accounts", "add", "alice", "--ConnectionStrings:Chat", $"Data Source={chat.DatabasePath}"])).Output.Trim();

        var login = await DotnetProcess.RunAsync(Client, ["login", "--url", chat.Url.ToString()], input: $"alice\n{oneTime}\nalice's own password\n", environment: Environment);
        var send = await DotnetProcess.RunAsync(Client, ["--url", chat.Url.ToString(), "--send", "sent after login"], environment: Environment);
        var history = await DotnetProcess.RunAsync(Client, ["--url", chat.Url.ToString(), "--history", "5"], environment: Environment);
        var logout = await DotnetProcess.RunAsync(Client, ["logout", "--url", chat.Url.ToString()], environment: Environment);
        var afterLogout = await DotnetProcess.RunAsync(Client, ["--url", chat.Url.ToString(), "--send", "no longer"], environment: Environment);

        login.ExitCode.Should().Be(0, login.Error);
        login.Output.Should().Contain("Name: Password: The password you were given works once").And.Contain($"Signed in to {chat.Url} as alice.");
        send.Should().Be(new DotnetProcess.Result(0, "", ""));
        history.Output.Should().MatchRegex(@"\] alice: sent after login\n$");
        logout.Output.Trim().Should().Be($"Signed out of {chat.Url}.");
        afterLogout.ExitCode.Should().Be(2, "without a sign-in, a name is needed again");
        File.ReadAllText(SignInsFile).Should().NotContain("alice", "logout forgets it");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_kept_sign_in_is_readable_by_the_user_only_and_holds_no_password()
    {
        await using var chat = await ChatProcess.StartAsync("--Chat:Auth:SigningKey", AuthTests.Key, "--Chat:Auth:Accounts", "true");
        var oneTime = (await DotnetProcess.RunAsync("Chat.Server.dll", ["accounts", "add", "bob", "--ConnectionStrings:Chat", $"Data Source={chat.DatabasePath}"])).Output.Trim();

        var login = await DotnetProcess.RunAsync(Client, ["login", "--url", chat.Url.ToString()], input: $"bob\n{oneTime}\nbob's own password\n", environment: Environment);

        login.ExitCode.Should().Be(0, login.Error);
        File.GetUnixFileMode(SignInsFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(Path.GetDirectoryName(SignInsFile)!).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.ReadAllText(SignInsFile).Should().NotContain(oneTime).And.NotContain("bob's own password");
    }

    [Fact]
    public async Task A_wrong_password_exits_1_with_the_servers_sentence()
    {
        await using var chat = await ChatProcess.StartAsync("--Chat:Auth:SigningKey", AuthTests.Key, "--Chat:Auth:Accounts", "true");

        var login = await DotnetProcess.RunAsync(Client, ["login", "--url", chat.Url.ToString()], input: "nobody\nwrong password\n", environment: Environment);

        login.ExitCode.Should().Be(1);
        login.ErrorLines.Should().Equal("error: The name or the password is wrong.");
        File.Exists(SignInsFile).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Login_with_single_sign_on_completes_the_device_grant_in_a_browser_and_renews_its_token()
    {
        // Tokens of 62 s: renewed (a minute ahead) at the next connect.
        await using var provider = await OidcProvider.StartAsync(["http://localhost/"], accessTokenSeconds: 62);
        await using var chat = await ChatProcess.StartAsync(
            "--Chat:Auth:Authority", provider.Issuer, "--Chat:Auth:Audience", OidcProvider.Audience, "--Chat:Auth:ClientId", OidcProvider.ClientId);
        using var login = Start(["login", "--url", chat.Url.ToString()]);
        var lines = new List<string>();
        var prompt = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        login.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                lock (lines)
                {
                    lines.Add(text);
                }

                if (CodePrompt().Match(text) is { Success: true } match)
                {
                    prompt.TrySetResult(match);
                }
            }
        };
        login.BeginOutputReadLine();
        var shown = await prompt.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Someone opens the address on any device, types the code, signs in at the provider and allows it.
        await using (var context = await browser.Browser.NewContextAsync())
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(shown.Groups["address"].Value);
            await page.Locator("input[name=user_code]").FillAsync(shown.Groups["code"].Value);
            await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

            // Then the provider's own pages, in its order: confirm the device, sign in, allow.
            for (var step = 0; step < 6 && !(await page.ContentAsync()).Contains("Sign-in Success", StringComparison.Ordinal); step++)
            {
                await page.WaitForLoadStateAsync();
                if (await page.Locator("input[name=login]").IsVisibleAsync())
                {
                    await page.Locator("input[name=login]").FillAsync("carol");
                    await page.Locator("input[name=password]").FillAsync("any password");
                    await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign-in" }).ClickAsync();
                }
                else
                {
                    await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Continue", Exact = true }).ClickAsync(new() { Timeout = ChatPage.Timeout });
                }
            }

            await Expect(page.Locator("body")).ToContainTextAsync("Sign-in Success", new() { Timeout = ChatPage.Timeout });
        }

        await login.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var send = await DotnetProcess.RunAsync(Client, ["--url", chat.Url.ToString(), "--send", "from the console with single sign-on"], environment: Environment);
        var kept = JsonDocument.Parse(File.ReadAllText(SignInsFile)).RootElement.EnumerateObject().Single().Value;
        var firstRefresh = kept.GetProperty("refreshToken").GetString();
        await Task.Delay(TimeSpan.FromSeconds(3)); // the token now has less than a minute left
        var again = await DotnetProcess.RunAsync(Client, ["--url", chat.Url.ToString(), "--send", "after a renewal"], environment: Environment);
        var renewed = JsonDocument.Parse(File.ReadAllText(SignInsFile)).RootElement.EnumerateObject().Single().Value;

        login.ExitCode.Should().Be(0, string.Join('\n', lines));
        lines.Should().Contain(line => line.Contains($"Signed in to {chat.Url} as carol.", StringComparison.Ordinal));
        send.Should().Be(new DotnetProcess.Result(0, "", ""));
        again.Should().Be(new DotnetProcess.Result(0, "", ""));
        renewed.GetProperty("refreshToken").GetString().Should().NotBe(firstRefresh, "the refresh token is spent and replaced at each renewal");
        kept.GetProperty("user").GetString().Should().Be("carol");
    }

    private Process Start(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, Client));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["XDG_CONFIG_HOME"] = _config;
        return Process.Start(start)!;
    }

    [GeneratedRegex(@"open (?<address>\S+) in a browser and enter the code (?<code>\S+)")]
    private static partial Regex CodePrompt();
}
