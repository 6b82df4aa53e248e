using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Chat.Server.Configuration;
using Chat.Server.Delivery;
using Chat.Server.Operations;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A real <see cref="HubConnectionContext"/> (JSON protocol) over a real pipe that the test reads as the
/// client would, so that outboxes can be driven directly. The pipe holds <paramref name="clientBuffer"/>
/// bytes before a write has to wait for the client.
/// </summary>
internal sealed class PipeConnection : IDisposable
{
    private readonly DefaultConnectionContext _context;

    public PipeConnection(string id = "client", long clientBuffer = 64 * 1024)
    {
        // Inline: a write waiting for room finishes inside the read that makes room, so the test sees its effects at once.
        ToClient = new Pipe(new PipeOptions(writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: clientBuffer, resumeWriterThreshold: clientBuffer / 2, useSynchronizationContext: false));
        _context = new DefaultConnectionContext(id, new Duplex(new Pipe().Reader, ToClient.Writer), new Duplex(ToClient.Reader, new Pipe().Writer));
        Hub = new HubConnectionContext(_context, new HubConnectionContextOptions { KeepAliveInterval = TimeSpan.FromMinutes(1), ClientTimeoutInterval = TimeSpan.FromMinutes(1), StreamBufferCapacity = 10 }, NullLoggerFactory.Instance)
        {
            Protocol = new JsonHubProtocol(),
        };
    }

    public HubConnectionContext Hub { get; }

    /// <summary>What the client would read.</summary>
    public Pipe ToClient { get; }

    /// <summary>Canceled when the connection was dropped.</summary>
    public CancellationToken Dropped => _context.ConnectionClosed;

    /// <summary>A budget with these limits and a meter of its own.</summary>
    public static DeliveryBudget Budget(SlowClientOptions limits) =>
        new(Options.Create(limits), TimeProvider.System, new ChatMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger<DeliveryBudget>.Instance);

    /// <summary>A frame of invocations of <c>Say(text)</c>, one per text.</summary>
    public static Frame Say(params string[] texts) =>
        Frame.Run([.. texts.Select(text => (HubMessage)new InvocationMessage("Say", [text]))], texts.Sum(text => text.Length + 40));

    /// <summary>Everything the client can read now, consumed: the texts of the <c>Say</c> invocations, in order.</summary>
    public List<string> Read() => [.. ReadRecords().Select(record => record.GetProperty("arguments")[0].GetString()!)];

    /// <summary>Everything the client can read now, consumed: the ids of the <c>ReceiveMessage</c> calls, in order.</summary>
    public List<long> ReadIds() => [.. ReadRecords().Select(record => record.GetProperty("arguments")[0].GetProperty("id").GetInt64())];

    public void Dispose() => ToClient.Reader.Complete();

    private List<System.Text.Json.JsonElement> ReadRecords()
    {
        if (!ToClient.Reader.TryRead(out var result))
        {
            return [];
        }

        var text = Encoding.UTF8.GetString(result.Buffer.ToArray());
        ToClient.Reader.AdvanceTo(result.Buffer.End);
        return [.. text.Split('\u001e', StringSplitOptions.RemoveEmptyEntries).Select(record => System.Text.Json.JsonDocument.Parse(record).RootElement)];
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
