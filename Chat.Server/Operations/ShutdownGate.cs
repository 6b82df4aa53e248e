using Chat.Server.Hubs;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.Server.Operations;

/// <summary>
/// Once the server is stopping, new hub connections (negotiate and the WebSocket upgrade) get 503 and
/// readiness fails: a client whose connection the shutdown closed reconnects elsewhere, or here once the
/// server is back, instead of to a server that is about to go away.
/// </summary>
internal sealed class ShutdownGate(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    public const string Refusal = "The chat server is shutting down; connect again in a moment.";

    public Task InvokeAsync(HttpContext context)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested && context.Request.Path.StartsWithSegments(HubExtensions.Path))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return context.Response.WriteAsync(Refusal);
        }

        return next(context);
    }
}

/// <summary>Unready from the moment the server starts stopping.</summary>
internal sealed class StoppingHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("The server is shutting down.")
            : HealthCheckResult.Healthy("The server is running."));
}
