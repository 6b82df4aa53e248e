using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Chat.Server.Configuration;
using Chat.Server.Delivery;

namespace Chat.Server.Operations;

internal static partial class OperationsExtensions
{
    /// <summary>Health checks with this tag decide <c>/readyz</c>.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Health checks (the store for readiness) and metrics: Chat's own and the framework's, for Prometheus.</summary>
    public static IHostApplicationBuilder AddChatOperations(this IHostApplicationBuilder builder)
    {
        builder.AddChatOptions<OperationsOptions>(OperationsOptions.Section);
        builder.Services.AddSingleton<ChatMetrics>();
        builder.Services.AddSingleton<ReadinessLog>();
        builder.Services.AddHostedService(services =>
        {
            var registry = services.GetRequiredService<ConnectionRegistry>();
            return new IdleMemory(services.GetRequiredService<TimeProvider>(), () => registry.All.Count, services.GetRequiredService<ILogger<IdleMemory>>());
        });
        builder.Services.AddHealthChecks()
            .AddCheck<HistoryHealthCheck>("history", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(4))
            .AddCheck<StoppingHealthCheck>("running", tags: [ReadyTag]);
        // Not ASP.NET Core's request metrics ("Microsoft.AspNetCore.Hosting"): listening to them gives every request,
        // a WebSocket too, a tags feature for as long as it lasts (about 0.1 KiB per idle connection).
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ChatMetrics.MeterName, "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.MemoryPool", "System.Runtime")
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        return builder;
    }

    /// <summary><c>/healthz</c>: the process is alive. <c>/readyz</c>: it can serve (503 otherwise). <c>/metrics</c>: Prometheus text.</summary>
    public static WebApplication MapChatOperations(this WebApplication app)
    {
        app.UseMiddleware<ShutdownGate>();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        var readiness = app.Services.GetRequiredService<ReadinessLog>();
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = (context, report) =>
            {
                readiness.Observe(report);
                return WriteReadinessAsync(context, report);
            },
        });
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OperationsOptions>>().Value.MetricsToken is { Length: > 0 } token)
        {
            app.MapPrometheusScrapingEndpoint("/metrics").RequireBearer(token);
        }
        else
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }
        return app;
    }

    /// <summary>Lets only requests with <c>Authorization: Bearer TOKEN</c> reach the endpoint; others get 401.</summary>
    private static void RequireBearer(this IEndpointConventionBuilder endpoint, string token)
    {
        var expected = System.Text.Encoding.UTF8.GetBytes($"Bearer {token}");
        endpoint.Add(route =>
        {
            var inner = route.RequestDelegate!;
            route.RequestDelegate = context =>
            {
                var given = System.Text.Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString());
                if (System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(given, expected))
                {
                    return inner(context);
                }

                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return context.Response.WriteAsync("The metrics need the header Authorization: Bearer followed by Chat:MetricsToken.");
            };
        });
    }

    /// <summary>The first log line: which store holds the history, whether (and where) nodes share messages, which sign-in is on, and where files go.</summary>
    public static WebApplication LogChatSetup(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Chat.Server");
        var store = app.Services.GetRequiredService<History.IHistoryStore>();
        var redis = app.Services.GetService<ScaleOut.RedisConnection>();
        var auth = app.Services.GetRequiredService<IOptions<Security.AuthOptions>>().Value;
        var backplane = redis is null ? "none (one node; set Chat:Redis to scale out)" : $"Redis at {redis.Endpoints}, prefix {redis.Prefix}";
        var signIn = SignInOf(auth);
        var files = app.Services.GetRequiredService<Files.IFileStorage>();
        LogSetup(logger, store.Description, backplane, signIn, files.Description);
        return app;
    }

    /// <summary>Which sign-in is on, in words (no secrets).</summary>
    public static string SignInOf(Security.AuthOptions auth) => auth.Mode switch
    {
        Security.SignInMode.SingleSignOn => $"single sign-on with {auth.Authority} (client {auth.ClientId}, audience {auth.Audience})",
        Security.SignInMode.Accounts => auth.OpenRegistration ? "built-in accounts, open registration" : "built-in accounts, registration by invite",
        Security.SignInMode.SharedKey => "tokens signed with Chat:Auth:SigningKey",
        _ => "off (people pick a name; set Chat:Auth to require sign-in)",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "History: {Store}. Backplane: {Backplane}. Sign-in: {SignIn}. Files: {Files}.")]
    private static partial void LogSetup(ILogger logger, string store, string backplane, string signIn, string files);

    /// <summary>The status, then one line for each check that failed, saying why: what an operator looks at first.</summary>
    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var failing = report.Entries.Where(entry => entry.Value.Status != HealthStatus.Healthy).Select(entry => $"\n{entry.Key}: {entry.Value.Description}");
        return context.Response.WriteAsync(report.Status + string.Concat(failing));
    }
}
