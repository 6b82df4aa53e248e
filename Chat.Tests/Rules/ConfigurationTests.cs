using Chat.Testing;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Rules;

/// <summary>Each feature's settings are checked at start, and a bad one stops the server with a line naming the key.</summary>
public class ConfigurationTests
{
    [Theory]
    [InlineData("Chat:MaxMessageLength", "0")]
    [InlineData("Chat:MaxFrameBytes", "10")]
    [InlineData("Chat:RateLimit:PerSecond", "-1")]
    [InlineData("Chat:History:MaxMessages", "0")]
    [InlineData("Chat:SlowClient:WaitMilliseconds", "-1")]
    [InlineData("Chat:Rooms:EmptyRoomDays", "0")]
    [InlineData("Chat:Limits:ConnectBurst", "0")]
    [InlineData("Chat:Files:MaxBytes", "0")]
    public async Task A_value_out_of_range_stops_the_server_with_a_line_naming_the_key(string key, string value)
    {
        await using var server = ChatProcess.Launch(new ChatProcessOptions { Arguments = ["--urls", "http://127.0.0.1:0", $"--{key}", value] });

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        exitCode.Should().Be(1);
        server.Output.Should().Contain($"Configuration error: {key} must be between").And.Contain($"but is {value}.");
    }

    [Fact]
    public async Task The_defaults_are_valid()
    {
        await using var app = new ChatApplication();

        await using var alice = await app.ConnectAsync("alice");

        (await alice.SendAsync("the defaults start a server")).Should().NotBeNull();
    }

    [Theory]
    [InlineData("--Chat:RateLimit:Burst", "0", "Configuration error: Chat:RateLimit:Burst must be between 1 and 1000000, but is 0.")]
    [InlineData("--Chat:MaxMessageLength", "lots", "Configuration error: Failed to convert configuration value 'lots' at 'Chat:MaxMessageLength'")]
    public async Task A_bad_setting_stops_the_server_with_one_line_naming_the_key(string key, string value, string line)
    {
        await using var server = ChatProcess.Launch(new ChatProcessOptions { Arguments = ["--urls", "http://127.0.0.1:0", key, value] });

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        exitCode.Should().Be(1);
        server.Output.Should().Contain(line).And.NotContain("   at ", "no stack trace is shown");
    }
}
