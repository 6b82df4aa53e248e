namespace Chat.Server.History;

/// <summary>The history could not take a write; the sender is told, and nothing is acked.</summary>
public sealed class HistoryUnavailableException : Exception
{
    private HistoryUnavailableException(string message, Exception? inner)
        : base(message, inner)
    {
    }

    public static HistoryUnavailableException NotSaved(string reason, Exception? inner = null) =>
        new($"The message was not saved because {reason}. Try again in a moment.", inner);

    /// <summary>The store may have committed it: the sender should look before sending it again.</summary>
    public static HistoryUnavailableException MaybeSaved(string reason, Exception? inner = null) =>
        new($"The message may not have been saved: {reason}. Check the history before sending it again.", inner);
}

/// <summary>The store lost contact while committing, so the batch may or may not be stored.</summary>
public sealed class CommitOutcomeUnknownException(Exception inner)
    : Exception("The history store stopped answering during a commit; its outcome is unknown.", inner);
