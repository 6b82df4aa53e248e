using Chat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Chat.Server.Rules;

/// <summary>What a message may be: the <c>Chat</c> section's own keys.</summary>
public sealed class MessageOptions
{
    public const string Section = "Chat";

    /// <summary>Longest accepted message text, in characters.</summary>
    public int MaxMessageLength { get; set; } = 2000;

    /// <summary>Largest incoming SignalR frame; a larger one closes that connection.</summary>
    public long MaxFrameBytes { get; set; } = 32 * 1024;

    /// <summary>Lets anyone run /clear when sign-in is off (with sign-in, only the admin role may).</summary>
    public bool AllowClearWithoutSignIn { get; set; }
}

internal sealed class MessageOptionsValidator : IValidateOptions<MessageOptions>
{
    public ValidateOptionsResult Validate(string? name, MessageOptions options)
    {
        var failures = new OptionFailures();
        failures.Range("Chat:MaxMessageLength", options.MaxMessageLength, 1, 1_000_000);
        failures.Range("Chat:MaxFrameBytes", options.MaxFrameBytes, 1024, 64L * 1024 * 1024);

        // A frame must be able to carry the longest message (UTF-8, JSON-escaped, plus the envelope).
        if (options.MaxFrameBytes < options.MaxMessageLength)
        {
            failures.Add($"Chat:MaxFrameBytes ({options.MaxFrameBytes}) must be at least Chat:MaxMessageLength ({options.MaxMessageLength}).");
        }

        return failures.Result;
    }
}
