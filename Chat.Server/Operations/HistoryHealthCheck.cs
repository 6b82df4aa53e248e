using Chat.Server.History;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.Server.Operations;

/// <summary>Ready only while the history store answers a query.</summary>
internal sealed class HistoryHealthCheck(IHistoryStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.CheckAsync(cancellationToken);
            return HealthCheckResult.Healthy("The history store answers.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The history store does not answer.", exception);
        }
    }
}
