using Chat.Server.Delivery;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Chat.Server.ScaleOut;

/// <summary>
/// The cluster bus on Redis pub/sub: each server publishes what it committed and what it sends to
/// clients, and hands what the others publish to its own sequencer and connections (see
/// <see cref="RedisSubscriber"/>). Pub/sub may lose a message (while Redis is down, or to a subscriber
/// that reconnects); committed messages are then read from the history by the sequencer, and the rooms
/// of the users here are read again once Redis is back.
/// Everything goes on one channel: Redis delivers one publisher's messages on a channel in order, so a
/// server that hears of a join hears of it before the messages sent to that room after it.
/// </summary>
internal sealed class RedisBus(RedisConnection redis, IHubProtocolResolver protocols) : IClusterBus
{
    public static readonly RedisChannel Channel = RedisChannel.Literal(":bus");

    public bool Clustered => true;

    public bool IsUp => redis.IsUp;

    public void PublishCommitted(IReadOnlyList<ChatMessage> batch) => Publish(() => ClusterWire.Committed(redis.Node, batch));

    public void Publish(Audience audience, Frame frame) =>
        Publish(() => ClusterWire.Sent(redis.Node, audience, frame.ChatMessages, frame.Serializations(protocols.AllProtocols)));

    public void PublishMembership(string user, string room, bool joined) => Publish(() => ClusterWire.Membership(redis.Node, user, room, joined));

    public void PublishRoomChanged(string room) => Publish(() => ClusterWire.RoomChanged(redis.Node, room));

    private void Publish(Func<byte[]> payload)
    {
        // Nothing is queued for a Redis that does not answer: the others fill in from the history.
        if (!redis.IsUp || !redis.MultiplexerAsync().IsCompletedSuccessfully)
        {
            return;
        }

        redis.MultiplexerAsync().Result.GetSubscriber().Publish(Channel, payload(), CommandFlags.FireAndForget);
    }
}

/// <summary>
/// Receives what the other servers publish, one message at a time in the order published: committed messages
/// go to the sequencer, hub messages to the connections here, joins and leaves to the rooms here.
/// </summary>
internal sealed partial class RedisSubscriber(RedisConnection redis, Sequencer sequencer, Dispatcher dispatcher, Rooms.Memberships memberships, ILogger<RedisSubscriber> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Whenever Redis comes back, joins and leaves published meanwhile are lost: read the rooms again
        // (at start-up no user is connected yet, so the first time costs nothing).
        redis.Up += () => _ = memberships.ReloadAsync();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var subscriber = (await redis.MultiplexerAsync()).GetSubscriber();
                var messages = await subscriber.SubscribeAsync(RedisBus.Channel);
                messages.OnMessage(message => Received(message.Message));

                // Subscriptions come back by themselves when the connection does.
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogSubscribeFailed(exception);
                await Task.Delay(RedisConnection.PingInterval, stoppingToken);
            }
        }
    }

    private void Received(RedisValue payload)
    {
        var (node, kind, body) = ClusterWire.Read((byte[])payload!);
        if (node == redis.Node)
        {
            return;
        }

        switch (kind)
        {
            case WireKind.Committed:
                sequencer.Offer(ClusterWire.ReadCommitted(body));
                break;
            case WireKind.Sent:
                var (audience, frame) = ClusterWire.ReadSent(body);
                dispatcher.DeliverFromCluster(audience, frame);
                break;
            case WireKind.Membership:
                var (user, room, joined) = ClusterWire.ReadMembership(body);
                memberships.Apply(user, room, joined);
                break;
            case WireKind.RoomChanged:
                memberships.RoomChanged(body.ReadString());
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to the other servers' messages on Redis failed; retrying")]
    private partial void LogSubscribeFailed(Exception exception);
}
