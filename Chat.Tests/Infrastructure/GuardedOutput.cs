using System.IO.Pipelines;
using Chat.Server.Configuration;
using Chat.Server.Hubs;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chat.Tests.Infrastructure;

/// <summary>A connection's output as the hub sees it behind the slow-client guard, over a real pipe the test reads as the client.</summary>
internal sealed class GuardedOutput
{
    public GuardedOutput(SlowClientOptions limits, PipeOptions? toClient = null)
    {
        ToClient = new Pipe(toClient ?? PipeOptions.Default);
        var guard = new SlowClientGuard(limits, TimeProvider.System, NullLogger<SlowClientGuard>.Instance);
        var connection = new DefaultConnectionContext("test", new DuplexPipe(new Pipe().Reader, ToClient.Writer), application: null!);
        PipeWriter? wrapped = null;
        guard.Wrap(context =>
        {
            wrapped = context.Transport.Output;
            return Task.CompletedTask;
        })(connection);
        Output = wrapped!;
    }

    /// <summary>What the hub writes to.</summary>
    public PipeWriter Output { get; }

    /// <summary>What the client would read.</summary>
    public Pipe ToClient { get; }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
