namespace Chat.Server.History;

/// <summary>Tells connected clients what the <see cref="HistoryWriter"/> has just committed, in commit order.</summary>
public interface IHistoryPublisher
{
    /// <summary>Sends one committed batch, in id order; every message is attempted even if one fails.</summary>
    Task PublishAsync(IReadOnlyList<ChatMessage> batch);

    /// <summary>The history of one conversation was cleared.</summary>
    Task PublishClearedAsync(string room);
}
