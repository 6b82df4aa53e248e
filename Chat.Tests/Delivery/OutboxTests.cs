using Chat.Server.Configuration;
using Chat.Server.Delivery;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Delivery;

/// <summary>
/// One connection's outbox on a real hub connection and pipe: writes go out at once while the client
/// reads, queue in order while it does not, never make the sender wait, and a client too far behind is
/// dropped with what waited for it let go.
/// </summary>
public sealed class OutboxTests : IDisposable
{
    private readonly PipeConnection _client = new(clientBuffer: 64);
    private readonly DeliveryBudget _budget = PipeConnection.Budget(new SlowClientOptions { MaxBufferBytes = 1000 });
    private readonly Outbox _outbox;

    public OutboxTests() => _outbox = new Outbox(_client.Hub, _budget);

    [Fact]
    public void A_frame_to_a_client_that_keeps_up_is_written_at_once()
    {
        _outbox.Send(PipeConnection.Say("one"));

        _client.Read().Should().Equal("one");
        _outbox.Bytes.Should().Be(0);
    }

    [Fact]
    public void A_run_of_messages_leaves_in_one_write()
    {
        _outbox.Send(PipeConnection.Say("one", "two", "three"));

        _client.Read().Should().Equal("one", "two", "three");
    }

    [Fact]
    public void While_the_client_does_not_read_frames_wait_in_order_and_the_sender_goes_on()
    {
        // The first frame fills the client's buffer; the next ones wait in the outbox.
        _outbox.Send(PipeConnection.Say(new string('a', 100)));
        _outbox.Send(PipeConnection.Say("b"));
        _outbox.Send(PipeConnection.Say("c"));

        _outbox.Bytes.Should().BeGreaterThan(0, "what the client has not taken waits, counted");
        _budget.Total.Should().Be(_outbox.Bytes);

        var read = new List<string>();
        while (read.Count < 3)
        {
            read.AddRange(_client.Read());
        }

        read.Should().Equal(new string('a', 100), "b", "c");
        _outbox.Bytes.Should().Be(0);
        _budget.Total.Should().Be(0);
    }

    [Fact]
    public async Task A_client_further_behind_than_its_buffer_is_dropped_and_what_waited_is_let_go()
    {
        _outbox.Send(PipeConnection.Say(new string('a', 100)));
        for (var i = 0; i < 30; i++)
        {
            _outbox.Send(PipeConnection.Say(new string('b', 60)));
        }

        await _client.Dropped.WhenCanceled().DefaultTimeout();
        _budget.Total.Should().BeLessThanOrEqualTo(140, "only the write under way is still counted, until the connection is gone");
        _client.Read();
        await Eventually.Until(() => _budget.Total == 0, "the write under way ends with the connection");
    }

    [Fact]
    public async Task A_client_half_its_buffer_behind_is_waited_for_until_it_reads()
    {
        _outbox.Send(PipeConnection.Say(new string('a', 100)));
        for (var i = 0; i < 6; i++)
        {
            _outbox.Send(PipeConnection.Say(new string('b', 60)));
        }

        var belowHalf = _outbox.BelowHalfAsync();

        belowHalf.IsCompleted.Should().BeFalse("more than 500 bytes wait");
        while (!belowHalf.IsCompleted)
        {
            _client.Read();
            await Task.Yield();
        }

        _client.Dropped.IsCancellationRequested.Should().BeFalse();
    }

    public void Dispose() => _client.Dispose();
}
