using System.Buffers;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Chat.Server.Delivery;

/// <summary>
/// One write to a connection: one hub message, or a run of them, serialized once per protocol and
/// shared by every connection it goes to. A run leaves as one write, so a connection gets several
/// messages with one flush (and, on WebSockets, in one frame).
/// </summary>
internal sealed class Frame
{
    /// <summary>About how many bytes of messages one run holds before the next run starts.</summary>
    public const int RunBytes = 32 * 1024;

    private readonly HubMessage[]? _messages;
    private readonly Lock _lock = new();
    private SerializedHubMessage? _single;
    private (string Protocol, SerializedHubMessage Serialized)[] _runs = [];

    private Frame(HubMessage[]? messages, SerializedHubMessage? single, int chatMessages, int size)
    {
        _messages = messages;
        _single = single;
        ChatMessages = chatMessages;
        Size = size;
    }

    /// <summary>Chat messages this frame carries (what the delivered metric counts); 0 for other hub messages.</summary>
    public int ChatMessages { get; }

    /// <summary>Roughly its size on the wire, which the delivery budget counts while it waits.</summary>
    public int Size { get; }

    /// <summary>Roughly what a message takes on the wire (JSON, mostly ASCII).</summary>
    public static int SizeOf(ChatMessage message) =>
        message.Text.Length + message.User.Length + 100
        + (message.Mentions?.Sum(user => user.Length + 3) ?? 0)
        + (message.Reactions?.Sum(reaction => 32 + reaction.Users.Sum(user => user.Length + 3)) ?? 0)
        + (message.Files?.Sum(file => 100 + file.Id.Length + file.Name.Length + file.ContentType.Length) ?? 0);

    public static Frame Of(HubMessage message, int size, int chatMessages = 0) => new(null, new SerializedHubMessage(message), chatMessages, size);

    /// <summary>One hub call, <paramref name="method"/>(<paramref name="args"/>), sized roughly for the budgets.</summary>
    public static Frame Invocation(string method, object?[] args)
    {
        var size = 64 + method.Length;
        foreach (var arg in args)
        {
            size += arg switch
            {
                string text => text.Length,
                ChatMessage message => SizeOf(message),
                _ => 32,
            };
        }

        return Of(new InvocationMessage(method, args), size, method == nameof(IChatClient.ReceiveMessage) ? 1 : 0);
    }

    /// <summary>A run of chat messages (<c>ReceiveMessage</c> calls) written together; one message needs no run.</summary>
    public static Frame Run(IReadOnlyList<HubMessage> messages, int size) =>
        messages.Count == 1 ? Of(messages[0], size, 1) : new Frame([.. messages], null, messages.Count, size);

    /// <summary>A frame serialized elsewhere (another node), for the protocols it was serialized for.</summary>
    public static Frame Serialized(IReadOnlyList<SerializedMessage> serializations, int chatMessages) =>
        new(null, new SerializedHubMessage(serializations), chatMessages, serializations.Count == 0 ? 0 : serializations[0].Serialized.Length);

    /// <summary>The bytes to write for a connection speaking <paramref name="protocol"/>.</summary>
    public SerializedHubMessage For(IHubProtocol protocol)
    {
        if (_single is { } single)
        {
            return single;
        }

        lock (_lock)
        {
            foreach (var (name, serialized) in _runs)
            {
                if (name == protocol.Name)
                {
                    return serialized;
                }
            }

            // The protocols frame their messages (JSON ends each with a record separator, MessagePack
            // prefixes each with its length), so a run is the messages' bytes one after another.
            var bytes = new ArrayBufferWriter<byte>(Size + 256);
            foreach (var message in _messages!)
            {
                protocol.WriteMessage(message, bytes);
            }

            var run = new SerializedHubMessage([new SerializedMessage(protocol.Name, bytes.WrittenMemory)]);
            _runs = [.. _runs, (protocol.Name, run)];
            return run;
        }
    }

    /// <summary>Every serialization of this frame, for the protocols given (what another node needs).</summary>
    public SerializedMessage[] Serializations(IEnumerable<IHubProtocol> protocols) =>
        [.. protocols.Select(protocol => new SerializedMessage(protocol.Name, For(protocol).GetSerializedMessage(protocol)))];
}
