using Microsoft.Extensions.Configuration.Memory;

namespace Chat.Server.Operations;

internal static class LoggingDefaults
{
    /// <summary>Config key: keep logging scopes (off unless set; the console logger does not print them anyway).</summary>
    private const string CaptureScopesKey = "Logging:CaptureScopes";

    /// <summary>
    /// Logging that costs idle connections nothing. Each WebSocket is one long HTTP request, and what
    /// logging attaches to it lives as long as the connection: the per-request log scope and trace
    /// activity (made only so that request logs can carry them), and one scope per layer. These defaults
    /// sit under every other configuration source, so appsettings.json, environment variables and the
    /// command line can turn them back on.
    /// </summary>
    public static IHostApplicationBuilder AddChatLoggingDefaults(this IHostApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                // "Request starting/finished" lines, at Information: quiet by default, and with them the per-request activity.
                ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",

                // The dispatcher logs every HubException a hub method throws at Error with its stack trace, also a rule's
                // refusal ("the message is empty"): one client could grow the log by megabytes a second. RejectionFilter
                // sees every call's failure first and logs it itself: a refusal at Information in one line, anything
                // unexpected at Error with its exception.
                ["Logging:LogLevel:Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher"] = "None",

                // "Hosting failed to start" with the whole stack trace: Program says why in one line instead. A background
                // service that fails and stops the host is still logged, at Critical, with its exception.
                ["Logging:LogLevel:Microsoft.Extensions.Hosting.Internal.Host"] = "Critical",

                // An Error line for every unhealthy probe: anyone may call /readyz, as often as they like. Readiness logs a
                // line when it changes instead (ReadinessLog).
                ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService"] = "Critical",
            },
        });
        builder.Services.Configure<LoggerFilterOptions>(filters => filters.CaptureScopes = builder.Configuration.GetValue<bool>(CaptureScopesKey));
        return builder;
    }
}
