using Chat.Server.Delivery;
using Chat.Server.History;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Chat.Server.ScaleOut;

/// <summary>
/// The cluster bus on Redis pub/sub: each server publishes what it committed and what it sends to
/// clients, and hands what the others publish to its own sequencer and connections (see
/// <see cref="RedisSubscriber"/>). Pub/sub may lose a message (while Redis is down, or to a subscriber
/// that reconnects); committed messages are then read from the history by the sequencer.
/// </summary>
internal sealed class RedisBus(RedisConnection redis, IHubProtocolResolver protocols) : IClusterBus
{
    public static readonly RedisChannel CommittedChannel = RedisChannel.Literal(":committed");
    public static readonly RedisChannel SentChannel = RedisChannel.Literal(":sent");

    public bool IsUp => redis.IsUp;

    public void PublishCommitted(IReadOnlyList<ChatMessage> batch) => Publish(CommittedChannel, () => ClusterWire.Committed(redis.Node, batch));

    public void Publish(Audience audience, Frame frame) =>
        Publish(SentChannel, () => ClusterWire.Sent(redis.Node, audience, frame.ChatMessages, frame.Serializations(protocols.AllProtocols)));

    private void Publish(RedisChannel channel, Func<byte[]> payload)
    {
        // Nothing is queued for a Redis that does not answer: the others fill in from the history.
        if (!redis.IsUp || !redis.MultiplexerAsync().IsCompletedSuccessfully)
        {
            return;
        }

        redis.MultiplexerAsync().Result.GetSubscriber().Publish(channel, payload(), CommandFlags.FireAndForget);
    }
}

/// <summary>Receives what the other servers publish: committed messages go to the sequencer, hub messages to the connections here.</summary>
internal sealed partial class RedisSubscriber(RedisConnection redis, Sequencer sequencer, ChatLifetimeManager clients, ILogger<RedisSubscriber> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var subscriber = (await redis.MultiplexerAsync()).GetSubscriber();
                var committed = await subscriber.SubscribeAsync(RedisBus.CommittedChannel);
                committed.OnMessage(message => Committed(message.Message));
                var sent = await subscriber.SubscribeAsync(RedisBus.SentChannel);
                sent.OnMessage(message => Sent(message.Message));

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

    private void Committed(RedisValue payload)
    {
        var (node, batch) = ClusterWire.ReadCommitted((byte[])payload!);
        if (node != redis.Node)
        {
            sequencer.Offer(batch);
        }
    }

    private void Sent(RedisValue payload)
    {
        var (node, audience, frame) = ClusterWire.ReadSent((byte[])payload!);
        if (node != redis.Node)
        {
            clients.DeliverFromCluster(audience, frame);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to the other servers' messages on Redis failed; retrying")]
    private partial void LogSubscribeFailed(Exception exception);
}
