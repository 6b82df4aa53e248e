using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.Server.Operations;

/// <summary>
/// One log line when readiness changes (unready, saying why; ready again), however often <c>/readyz</c> is asked,
/// in place of the health check service's Error line per unhealthy probe.
/// </summary>
internal sealed partial class ReadinessLog(ILogger<ReadinessLog> logger)
{
    private readonly Lock _lock = new();
    private HealthStatus _last = HealthStatus.Healthy;

    public void Observe(HealthReport report)
    {
        lock (_lock)
        {
            if (report.Status == _last)
            {
                return;
            }

            _last = report.Status;
        }

        if (report.Status == HealthStatus.Healthy)
        {
            LogReady();
        }
        else
        {
            LogUnready(string.Join("; ", report.Entries.Where(entry => entry.Value.Status != HealthStatus.Healthy).Select(entry => $"{entry.Key}: {entry.Value.Description}")));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not ready: {Why}")]
    private partial void LogUnready(string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ready again")]
    private partial void LogReady();
}
