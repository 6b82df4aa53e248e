using Chat.Server.History;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.Server.Operations;

/// <summary>
/// Ready only while the history store answers a query and commits succeed. After a failed commit (a full
/// disk, say) it stays unready until a commit succeeds again, trying one that changes nothing itself.
/// </summary>
internal sealed class HistoryHealthCheck(IHistoryStore store, HistoryWriter writer) : IHealthCheck
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.CheckAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The reason without the exception: the health check service logs an unhealthy result's exception with its stack trace, at every probe.
            return HealthCheckResult.Unhealthy($"The history store does not answer: {exception.Message}");
        }

        if (writer.CommitFailure is not null)
        {
            try
            {
                await writer.ProbeAsync().WaitAsync(ProbeTimeout, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"Commits to the history store fail: {writer.CommitFailure ?? exception.Message}");
            }
        }

        return HealthCheckResult.Healthy("The history store answers and commits.");
    }
}
