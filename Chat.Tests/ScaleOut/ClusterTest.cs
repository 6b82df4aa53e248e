using Chat.Testing;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ScaleOut;

/// <summary>A test class with a fresh <see cref="Infrastructure.Cluster"/> (Redis, PostgreSQL, two nodes) for each test.</summary>
public abstract class ClusterTest : IAsyncLifetime
{
    private Cluster? _cluster;

    private protected Cluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    private protected ChatProcess A => Cluster.A;

    private protected ChatProcess B => Cluster.B;

    public async Task InitializeAsync() => _cluster = await Cluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
