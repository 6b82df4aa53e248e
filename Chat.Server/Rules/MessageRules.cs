using Microsoft.Extensions.Options;

namespace Chat.Server.Rules;

/// <summary>What a message text, a user name and a history request must look like.</summary>
public sealed class MessageRules(IOptions<MessageOptions> options)
{
    public const int MaxHistoryLimit = 500;

    private readonly int _maxMessageLength = options.Value.MaxMessageLength;

    public int MaxMessageLength => _maxMessageLength;

    /// <summary>Throws a <see cref="InputRejectedException"/> unless <paramref name="text"/> can be stored.</summary>
    public void CheckText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InputRejectedException("empty_text", "The message is empty. Type some text before sending.");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new InputRejectedException("invalid_text", "The message contains a NUL character (U+0000), which cannot be stored. Remove it and send again.");
        }

        if (text.Length > _maxMessageLength)
        {
            throw new InputRejectedException(
                "text_too_long",
                $"The message is {text.Length} characters long; at most {_maxMessageLength} are allowed. Shorten it or split it in parts.");
        }
    }

    public const int MaxClientMessageIdLength = 64;

    /// <summary>Throws a <see cref="InputRejectedException"/> unless <paramref name="id"/> is null or 1 to 64 characters without control characters.</summary>
    public static void CheckClientMessageId(string? id)
    {
        if (id is null)
        {
            return;
        }

        if (id.Length is 0 or > MaxClientMessageIdLength)
        {
            throw new InputRejectedException(
                "invalid_client_message_id",
                $"The clientMessageId is {id.Length} characters long; use null or 1 to {MaxClientMessageIdLength} characters (a UUID).");
        }

        if (id.Any(char.IsControl))
        {
            throw new InputRejectedException("invalid_client_message_id", "The clientMessageId contains a control character; use null or 1 to 64 printable characters (a UUID).");
        }
    }

    /// <summary>Throws a <see cref="InputRejectedException"/> unless <paramref name="limit"/> is an allowed history page size.</summary>
    public static void CheckHistoryLimit(int limit)
    {
        if (limit is < 1 or > MaxHistoryLimit)
        {
            throw new InputRejectedException(
                "invalid_limit",
                $"The history limit {limit} is out of range; ask for 1 to {MaxHistoryLimit} messages.");
        }
    }
}
