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
        var schemes = app.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        (await schemes.GetAllSchemesAsync()).Select(scheme => scheme.Name).Should().Equal(["Bot"], "only the server API's bot tokens, authenticated on its routes alone");
        var negotiate = new HttpRequestMessage(HttpMethod.Post, "/hubs/chat/negotiate?negotiateVersion=1&user=alice");
        negotiate.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "chatbot_not-a-token");
        (await app.CreateClient().SendAsync(negotiate)).StatusCode.Should().Be(System.Net.HttpStatusCode.OK, "without a signing key no hub request is authenticated, whatever it carries");
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
