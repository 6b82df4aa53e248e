using Chat.Server.Delivery;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.ScaleOut;

/// <summary>What one server tells the others.</summary>
internal enum WireKind : byte
{
    /// <summary>Messages it committed.</summary>
    Committed = 1,

    /// <summary>A hub message for some of the others' connections.</summary>
    Sent = 2,

    /// <summary>A user joined or left a room.</summary>
    Membership = 3,

    /// <summary>A room's rules (privacy, topic, roles, bans, mutes) changed.</summary>
    RoomChanged = 4,
}

/// <summary>
/// What the servers of a cluster send each other over Redis, in a small binary form: the messages a
/// server committed, hub messages already serialized for every protocol, and room joins and leaves. Each
/// starts with the sending server's id, so a server can skip what it sent itself, then its kind.
/// </summary>
internal static class ClusterWire
{
    public static byte[] Committed(Guid node, IReadOnlyList<ChatMessage> batch) =>
        Write(node, WireKind.Committed, writer =>
        {
            writer.Write(batch.Count);
            foreach (var message in batch)
            {
                writer.Write(message.Id);
                writer.Write(message.SentAt.Ticks);
                writer.Write(message.Room);
                writer.Write(message.User);
                writer.Write(message.Text);
                WriteLifecycle(writer, message);
            }
        });

    public static byte[] Sent(Guid node, Audience audience, int count, IReadOnlyList<SerializedMessage> serializations) =>
        Write(node, WireKind.Sent, writer =>
        {
            writer.Write((byte)audience.Kind);
            WriteNames(writer, audience.Names);
            writer.Write(audience.ExceptUser ?? "");
            WriteNames(writer, audience.ExceptConnections ?? []);
            WriteNames(writer, audience.Rooms ?? []);
            writer.Write(count);
            writer.Write(serializations.Count);
            foreach (var serialization in serializations)
            {
                writer.Write(serialization.ProtocolName);
                writer.Write(serialization.Serialized.Length);
                writer.Write(serialization.Serialized.Span);
            }
        });

    public static byte[] Membership(Guid node, string user, string room, bool joined) =>
        Write(node, WireKind.Membership, writer =>
        {
            writer.Write(user);
            writer.Write(room);
            writer.Write(joined);
        });

    public static byte[] RoomChanged(Guid node, string room) => Write(node, WireKind.RoomChanged, writer => writer.Write(room));

    /// <summary>The sender and kind of a payload, and a reader positioned at its body.</summary>
    public static (Guid Node, WireKind Kind, BinaryReader Body) Read(byte[] payload)
    {
        var reader = new BinaryReader(new MemoryStream(payload));
        return (new Guid(reader.ReadBytes(16)), (WireKind)reader.ReadByte(), reader);
    }

    public static ChatMessage[] ReadCommitted(BinaryReader reader)
    {
        var batch = new ChatMessage[reader.ReadInt32()];
        for (var i = 0; i < batch.Length; i++)
        {
            var id = reader.ReadInt64();
            var sentAt = new DateTime(reader.ReadInt64(), DateTimeKind.Utc);
            batch[i] = ReadLifecycle(reader, new ChatMessage(id, reader.ReadString(), reader.ReadString(), reader.ReadString(), sentAt));
        }

        return batch;
    }

    public static (Audience Audience, Frame Frame) ReadSent(BinaryReader reader)
    {
        var kind = (AudienceKind)reader.ReadByte();
        var names = ReadNames(reader);
        var exceptUser = reader.ReadString();
        var exceptConnections = ReadNames(reader);
        var rooms = ReadNames(reader);
        var count = reader.ReadInt32();
        var serializations = new SerializedMessage[reader.ReadInt32()];
        for (var i = 0; i < serializations.Length; i++)
        {
            var protocol = reader.ReadString();
            serializations[i] = new SerializedMessage(protocol, reader.ReadBytes(reader.ReadInt32()));
        }

        var audience = new Audience(kind, names, exceptUser.Length == 0 ? null : exceptUser, exceptConnections.Length == 0 ? null : exceptConnections, rooms.Length == 0 ? null : rooms);
        return (audience, Frame.Serialized(serializations, count));
    }

    public static (string User, string Room, bool Joined) ReadMembership(BinaryReader reader) => (reader.ReadString(), reader.ReadString(), reader.ReadBoolean());

    /// <summary>The fields of SPEC section 12, after a byte that says which are there.</summary>
    private static void WriteLifecycle(BinaryWriter writer, ChatMessage message)
    {
        var present = (message.ReplyTo is null ? 0 : 1) | (message.Mentions is null ? 0 : 2) | (message.EditedAt is null ? 0 : 4)
            | (message.Deleted ? 8 : 0) | (message.Reactions is null ? 0 : 16) | (message.Version is null ? 0 : 32) | (message.Files is null ? 0 : 64)
            | (message.Bot ? 128 : 0);
        writer.Write((byte)present);
        if (message.ReplyTo is { } replyTo)
        {
            writer.Write(replyTo);
        }

        if (message.Mentions is { } mentions)
        {
            WriteNames(writer, mentions);
        }

        if (message.EditedAt is { } editedAt)
        {
            writer.Write(editedAt.Ticks);
        }

        if (message.Reactions is { } reactions)
        {
            writer.Write(reactions.Length);
            foreach (var reaction in reactions)
            {
                writer.Write(reaction.Emoji);
                WriteNames(writer, reaction.Users);
            }
        }

        if (message.Version is { } version)
        {
            writer.Write(version);
        }

        if (message.Files is { } files)
        {
            writer.Write(files.Length);
            foreach (var file in files)
            {
                writer.Write(file.Id);
                writer.Write(file.Name);
                writer.Write(file.Size);
                writer.Write(file.ContentType);
                writer.Write(file.Width ?? -1);
                writer.Write(file.Height ?? -1);
            }
        }
    }

    private static ChatMessage ReadLifecycle(BinaryReader reader, ChatMessage message)
    {
        var present = reader.ReadByte();
        if (present == 0)
        {
            return message;
        }

        var replyTo = (present & 1) != 0 ? reader.ReadInt64() : (long?)null;
        var mentions = (present & 2) != 0 ? ReadNames(reader) : null;
        var editedAt = (present & 4) != 0 ? new DateTime(reader.ReadInt64(), DateTimeKind.Utc) : (DateTime?)null;
        Reaction[]? reactions = null;
        if ((present & 16) != 0)
        {
            reactions = new Reaction[reader.ReadInt32()];
            for (var i = 0; i < reactions.Length; i++)
            {
                reactions[i] = new Reaction(reader.ReadString(), ReadNames(reader));
            }
        }

        var version = (present & 32) != 0 ? reader.ReadInt64() : (long?)null;
        ChatFile[]? files = null;
        if ((present & 64) != 0)
        {
            files = new ChatFile[reader.ReadInt32()];
            for (var i = 0; i < files.Length; i++)
            {
                files[i] = new ChatFile(reader.ReadString(), reader.ReadString(), reader.ReadInt64(), reader.ReadString(), Dimension(reader.ReadInt32()), Dimension(reader.ReadInt32()));
            }
        }

        return message with { ReplyTo = replyTo, Mentions = mentions, EditedAt = editedAt, Deleted = (present & 8) != 0, Reactions = reactions, Version = version, Files = files, Bot = (present & 128) != 0 };
    }

    private static int? Dimension(int value) => value < 0 ? null : value;

    private static void WriteNames(BinaryWriter writer, IReadOnlyList<string> names)
    {
        writer.Write(names.Count);
        foreach (var name in names)
        {
            writer.Write(name);
        }
    }

    private static string[] ReadNames(BinaryReader reader)
    {
        var names = new string[reader.ReadInt32()];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = reader.ReadString();
        }

        return names;
    }

    private static byte[] Write(Guid node, WireKind kind, Action<BinaryWriter> body)
    {
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer);
        writer.Write(node.ToByteArray());
        writer.Write((byte)kind);
        body(writer);
        writer.Flush();
        return buffer.ToArray();
    }
}
