using Chat.Testing;
using Chat.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Chat.Tests.Security;

/// <summary>The <c>token</c> command and the signing-key check, run as real processes.</summary>
public class TokenCommandTests
{
    [Fact]
    public async Task Token_prints_a_token_on_its_last_line_that_the_server_accepts()
    {
        var (exitCode, output, _) = await RunServerCommandAsync(["token", "--user", "alice", "--admin", "--ttl", "2h"], AuthTests.Key);

        exitCode.Should().Be(0);
        var token = output.TrimEnd().Split('\n')[^1];
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, Server.Security.ChatTokens.ValidationFor(AuthTests.Key));
        validation.IsValid.Should().BeTrue();
        validation.ClaimsIdentity.Name.Should().Be("alice");
        validation.ClaimsIdentity.HasClaim("role", "admin").Should().BeTrue();
        var lifetime = validation.SecurityToken.ValidTo - validation.SecurityToken.ValidFrom;
        lifetime.Should().Be(TimeSpan.FromHours(2));
    }

    [Fact]
    public async Task Token_without_a_signing_key_fails_with_one_clear_line()
    {
        var (exitCode, _, errors) = await RunServerCommandAsync(["token", "--user", "alice"], key: null);

        exitCode.Should().NotBe(0);
        errors.Should().Contain("error: Chat:Auth:SigningKey is not set").And.NotContain("   at ");
    }

    [Theory]
    [InlineData("99999999d")]
    [InlineData("2147483647s")]
    [InlineData("31d")]
    public async Task Token_refuses_a_lifetime_over_30_days_with_one_clear_line(string ttl)
    {
        var (exitCode, output, errors) = await RunServerCommandAsync(["token", "--user", "alice", "--ttl", ttl], AuthTests.Key);

        exitCode.Should().NotBe(0);
        errors.Should().Contain($"--ttl '{ttl}' is too long; a token lives at most 30 days").And.NotContain("   at ").And.NotContain("Exception");
        output.Should().NotContain("eyJ");
    }

    [Fact]
    public async Task Token_gives_30_days_at_most()
    {
        var (exitCode, output, _) = await RunServerCommandAsync(["token", "--user", "alice", "--ttl", "30d"], AuthTests.Key);

        exitCode.Should().Be(0);
        var token = new JsonWebToken(output.TrimEnd().Split('\n')[^1]);
        (token.ValidTo - token.ValidFrom).Should().Be(TimeSpan.FromDays(30));
    }

    [Fact]
    public async Task A_signing_key_shorter_than_32_bytes_stops_the_server_without_showing_the_key()
    {
        await using var server = ChatProcess.Launch(new ChatProcessOptions { Arguments = ["--urls", "http://127.0.0.1:0", "--Chat:Auth:SigningKey", "too-short-secret"] });

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        exitCode.Should().Be(1);
        server.Output.Should().Contain("Configuration error: Chat:Auth:SigningKey must be at least 32 bytes").And.NotContain("too-short-secret");
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunServerCommandAsync(string[] arguments, string? key)
    {
        // Null removes the variable, in case the machine running the tests has one set.
        var result = await DotnetProcess.RunAsync("Chat.Server.dll", arguments, environment: new Dictionary<string, string?> { ["Chat__Auth__SigningKey"] = key });
        return (result.ExitCode, result.Output, result.Error);
    }
}
