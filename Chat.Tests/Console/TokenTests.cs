using Chat.Testing;
using Chat.Client.Console;
using Chat.Server.Security;
using Chat.Tests.Infrastructure;
using Chat.Tests.Operations;
using Chat.Tests.Security;

namespace Chat.Tests.ConsoleClient;

/// <summary>SPEC section 7 for the console client: a token file renewed while connected keeps it going; an expired token is named as the reason it stopped.</summary>
[Collection(NonParallelTests.Name)]
public sealed class TokenTests : IAsyncLifetime
{
    private readonly string _database = ChatApplication.NewDatabasePath();
    private readonly string _tokenFile = Path.Combine(Path.GetTempPath(), $"chat-token-{Guid.NewGuid():N}");
    private ChatProcess? _server;

    public async Task InitializeAsync() => _server = await ChatProcess.StartOnAsync(_database, "--Chat:Auth:SigningKey", AuthTests.Key);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        File.Delete(_tokenFile);
        ChatApplication.DeleteDatabase(_database);
    }

    [Fact]
    public async Task With_a_token_file_renewed_before_expiry_the_client_reconnects_with_the_new_token_and_goes_on()
    {
        await File.WriteAllTextAsync(_tokenFile, Token(TimeSpan.FromSeconds(4)));
        await using var alice = await InteractiveRun.StartAsync(new ChatEndpoint(_server!.Url, "alice", TokenFile: _tokenFile), _ => { });
        alice.Input.Type("with the first token");
        await alice.Output.MessageAsync("alice: with the first token");

        await File.WriteAllTextAsync(_tokenFile, Token(TimeSpan.FromHours(1)) + "\n");
        await alice.Output.LineAsync("* reconnecting...");
        await alice.Output.LineAsync("* reconnected");
        alice.Input.Type("with the second token");

        await alice.Output.MessageAsync("alice: with the second token");
        alice.Output.Lines.Should().NotContain(line => line.StartsWith("error", StringComparison.Ordinal) || line.StartsWith("* connection lost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_a_token_that_expires_the_client_says_token_expired_and_exits_1()
    {
        await using var alice = await InteractiveRun.StartAsync(new ChatEndpoint(_server!.Url, "alice", Token: Token(TimeSpan.FromSeconds(3))), _ => { });

        var lost = await alice.Output.LineAsync(line => line.StartsWith("* connection lost", StringComparison.Ordinal));

        lost.Should().StartWith("* connection lost: gave up reconnecting: token expired: ").And.Contain("refused it (401); get a new one and pass it with --token");
        (await alice.Run.DefaultTimeout()).Should().Be(1);
    }

    [Fact]
    public async Task Send_with_an_expired_token_says_token_expired()
    {
        var expired = ChatTokens.Create(AuthTests.Key, "alice", admin: false, TimeSpan.FromMinutes(1), DateTime.UtcNow.AddMinutes(-10));

        var result = await DotnetProcess.RunAsync("Chat.Client.Console.dll", ["--url", _server!.Url.ToString(), "--user", "alice", "--token", expired, "--send", "hello"]);

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().StartWith("error: token expired: ");
    }

    private static string Token(TimeSpan lifetime) => ChatTokens.Create(AuthTests.Key, "alice", admin: false, lifetime);
}
