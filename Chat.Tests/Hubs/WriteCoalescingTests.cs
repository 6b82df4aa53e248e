using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Chat.Server.Configuration;
using Chat.Server.Hubs;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Hubs;

/// <summary>
/// The guard's output under a write-coalescing scope, on real pipes: flushes wait for the end of the
/// scope, nothing is lost, and a deferred flush never exposes half of another writer's message.
/// </summary>
public sealed class WriteCoalescingTests
{
    private readonly Pipe _toClient;
    private readonly PipeWriter _output;

    public WriteCoalescingTests()
    {
        var guarded = new GuardedOutput(new SlowClientOptions());
        _toClient = guarded.ToClient;
        _output = guarded.Output;
    }
    [Fact]
    public async Task Outside_a_scope_each_write_is_readable_at_once()
    {
        await _output.WriteAsync(Bytes("one;"));

        Readable().Should().Be("one;");
    }

    [Fact]
    public async Task Inside_a_scope_writes_become_readable_together_when_it_ends()
    {
        using (WriteCoalescing.Begin())
        {
            await _output.WriteAsync(Bytes("one;"));
            await _output.WriteAsync(Bytes("two;"));
            await _output.WriteAsync(Bytes("three;"));

            Readable().Should().BeEmpty("flushes wait for the end of the scope");
        }

        Readable().Should().Be("one;two;three;");
    }

    [Fact]
    public async Task A_deferred_flush_does_not_expose_half_of_a_write_under_way()
    {
        using (WriteCoalescing.Begin())
        {
            await _output.WriteAsync(Bytes("batch;"));

            // Another writer has started a message and not flushed it yet when the scope ends.
            Write("hal");
        }

        Readable().Should().BeEmpty("the write under way flushes both");

        Write("f;");
        await _output.FlushAsync();

        Readable().Should().Be("batch;half;");
    }

    [Fact]
    public void Scopes_do_not_nest()
    {
        using var outer = WriteCoalescing.Begin();

        var nested = () => WriteCoalescing.Begin();

        nested.Should().Throw<InvalidOperationException>();
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private void Write(string text)
    {
        var span = _output.GetSpan(text.Length);
        var length = Encoding.UTF8.GetBytes(text, span);
        _output.Advance(length);
    }

    /// <summary>Everything the client side can read now, consumed.</summary>
    private string Readable()
    {
        if (!_toClient.Reader.TryRead(out var result))
        {
            return "";
        }

        var text = Encoding.UTF8.GetString(result.Buffer.ToArray());
        _toClient.Reader.AdvanceTo(result.Buffer.End);
        return text;
    }
}
