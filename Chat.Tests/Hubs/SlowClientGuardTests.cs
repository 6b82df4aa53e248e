using System.IO.Pipelines;
using Chat.Server.Configuration;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Hubs;

/// <summary>
/// The guard's bounded wait on a real pipe that holds 16 bytes: a writer waits for a full client until
/// it makes room or the wait ends, and never again while that client stays full.
/// </summary>
public sealed class SlowClientGuardTests
{
    private static readonly TimeSpan Plenty = TimeSpan.FromSeconds(10);

    private readonly Pipe _toClient;
    private readonly PipeWriter _output;

    public SlowClientGuardTests()
    {
        var guarded = new GuardedOutput(
            new SlowClientOptions { WaitMilliseconds = 100 },
            new PipeOptions(pauseWriterThreshold: 16, resumeWriterThreshold: 8, useSynchronizationContext: false));
        _toClient = guarded.ToClient;
        _output = guarded.Output;
    }
    [Fact]
    public async Task A_full_client_makes_the_writer_wait_until_it_reads()
    {
        var flush = _output.WriteAsync(new byte[32]);

        flush.IsCompleted.Should().BeFalse("the client's buffer is full");
        var read = await _toClient.Reader.ReadAsync();
        _toClient.Reader.AdvanceTo(read.Buffer.End);
        (await flush.AsTask().WaitAsync(Plenty)).IsCompleted.Should().BeFalse("the connection is still open");
    }

    [Fact]
    public async Task A_client_that_stays_full_is_waited_for_once_then_left_behind()
    {
        var first = _output.WriteAsync(new byte[32]);
        first.IsCompleted.Should().BeFalse();

        await first.AsTask().WaitAsync(Plenty);
        var second = _output.WriteAsync(new byte[32]);

        second.IsCompleted.Should().BeTrue("the client is known to be stalled; nobody waits for it again");
    }
}
