namespace Chat.Server.History;

/// <summary>Tells connected clients what the <see cref="HistoryWriter"/> has just committed, in commit order.</summary>
public interface IHistoryPublisher
{
    Task PublishAsync(ChatMessage message);

    Task PublishClearedAsync();
}
