using Chat.Server.Configuration;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Rules;

public class ConfigurationTests
{
    [Theory]
    [InlineData("Chat:MaxMessageLength", "0")]
    [InlineData("Chat:MaxFrameBytes", "10")]
    [InlineData("Chat:RateLimit:PerSecond", "-1")]
    [InlineData("Chat:RateLimit:Burst", "0")]
    [InlineData("Chat:History:MaxMessages", "0")]
    [InlineData("Chat:SlowClient:WaitMilliseconds", "-1")]
    public void A_value_out_of_range_fails_validation_naming_the_key(string key, string value)
    {
        var options = new ChatOptions();
        var property = key.Split(':')[1..];
        object target = options;
        foreach (var name in property[..^1])
        {
            target = target.GetType().GetProperty(name)!.GetValue(target)!;
        }

        var setting = target.GetType().GetProperty(property[^1])!;
        setting.SetValue(target, Convert.ChangeType(value, setting.PropertyType, System.Globalization.CultureInfo.InvariantCulture));

        var result = new ChatOptionsValidator(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()).Validate(null, options);

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain($"{key} must be between").And.Contain($"but is {value}");
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        new ChatOptionsValidator(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()).Validate(null, new ChatOptions()).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("--Chat:RateLimit:Burst", "0", "Configuration error: Chat:RateLimit:Burst must be between 1 and 1000000, but is 0.")]
    [InlineData("--Chat:MaxMessageLength", "lots", "Configuration error: Failed to convert configuration value 'lots' at 'Chat:MaxMessageLength'")]
    public async Task A_bad_setting_stops_the_server_with_one_line_naming_the_key(string key, string value, string line)
    {
        await using var server = ServerProcess.Launch(["--urls", "http://127.0.0.1:0", key, value]);

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        exitCode.Should().Be(1);
        server.Output.Should().Contain(line).And.NotContain("   at ", "no stack trace is shown");
    }
}
