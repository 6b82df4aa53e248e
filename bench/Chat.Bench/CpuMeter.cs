namespace Chat.Bench;

/// <summary>CPU time the load generator (this process) and the server used since <see cref="Start"/>.</summary>
internal sealed class CpuMeter
{
    private readonly BenchServer _server;
    private readonly TimeSpan _generator;
    private readonly TimeSpan _serverStart;

    private CpuMeter(BenchServer server)
    {
        _server = server;
        _generator = Environment.CpuUsage.TotalTime;
        _serverStart = server.CpuTime;
    }

    public static CpuMeter Start(BenchServer server) => new(server);

    /// <summary>Microseconds of CPU per delivery so far: the generator's and the server's.</summary>
    public (double Generator, double Server) PerDelivery(long deliveries) => deliveries == 0
        ? (double.NaN, double.NaN)
        : ((Environment.CpuUsage.TotalTime - _generator).TotalMicroseconds / deliveries, (_server.CpuTime - _serverStart).TotalMicroseconds / deliveries);
}
