using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Operations;

/// <summary>
/// What the server attaches to every connection by default (see LoggingDefaults and AddChatSecurity):
/// no request log scope or activity, no logging scopes, no authentication without a key; each can be
/// turned back on by configuration.
/// </summary>
public sealed class LeanConnectionTests
{
    private const string RequestLogs = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public async Task By_default_request_logs_scopes_and_authentication_are_off()
    {
        await using var app = new ChatApplication();

        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLogs).IsEnabled(LogLevel.Critical).Should().BeFalse();
        app.Services.GetRequiredService<IOptions<LoggerFilterOptions>>().Value.CaptureScopes.Should().BeFalse();
        app.Services.GetService<IAuthenticationSchemeProvider>().Should().BeNull("without a signing key nothing is authenticated");
    }

    [Fact]
    public async Task Configuration_turns_them_back_on()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?>
        {
            [$"Logging:LogLevel:{RequestLogs}"] = "Information",
            ["Logging:CaptureScopes"] = "true",
            ["Chat:Auth:SigningKey"] = Security.AuthTests.Key,
        });

        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLogs).IsEnabled(LogLevel.Information).Should().BeTrue();
        app.Services.GetRequiredService<IOptions<LoggerFilterOptions>>().Value.CaptureScopes.Should().BeTrue();
        app.Services.GetService<IAuthenticationSchemeProvider>().Should().NotBeNull();
    }
}
