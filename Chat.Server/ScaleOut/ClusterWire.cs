using Chat.Server.Delivery;
using Chat.Server.History;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.ScaleOut;

/// <summary>
/// What the servers of a cluster send each other over Redis, in a small binary form: the messages a
/// server committed, and hub messages already serialized for every protocol. Each starts with the
/// sending server's id, so a server can skip what it sent itself.
/// </summary>
internal static class ClusterWire
{
    public static byte[] Committed(Guid node, IReadOnlyList<ChatMessage> batch)
    {
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer);
        writer.Write(node.ToByteArray());
        writer.Write(batch.Count);
        foreach (var message in batch)
        {
            writer.Write(message.Id);
            writer.Write(message.SentAt.Ticks);
            writer.Write(message.Room);
            writer.Write(message.User);
            writer.Write(message.Text);
        }

        writer.Flush();
        return buffer.ToArray();
    }

    public static (Guid Node, ChatMessage[] Batch) ReadCommitted(byte[] payload)
    {
        using var reader = new BinaryReader(new MemoryStream(payload));
        var node = new Guid(reader.ReadBytes(16));
        var batch = new ChatMessage[reader.ReadInt32()];
        for (var i = 0; i < batch.Length; i++)
        {
            var id = reader.ReadInt64();
            var sentAt = new DateTime(reader.ReadInt64(), DateTimeKind.Utc);
            batch[i] = new ChatMessage(id, reader.ReadString(), reader.ReadString(), reader.ReadString(), sentAt);
        }

        return (node, batch);
    }

    public static byte[] Sent(Guid node, Audience audience, int count, IReadOnlyList<SerializedMessage> serializations)
    {
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer);
        writer.Write(node.ToByteArray());
        writer.Write((byte)audience.Kind);
        writer.Write(audience.Names.Count);
        foreach (var name in audience.Names)
        {
            writer.Write(name);
        }

        writer.Write(count);
        writer.Write(serializations.Count);
        foreach (var serialization in serializations)
        {
            writer.Write(serialization.ProtocolName);
            writer.Write(serialization.Serialized.Length);
            writer.Write(serialization.Serialized.Span);
        }

        writer.Flush();
        return buffer.ToArray();
    }

    public static (Guid Node, Audience Audience, Frame Frame) ReadSent(byte[] payload)
    {
        using var reader = new BinaryReader(new MemoryStream(payload));
        var node = new Guid(reader.ReadBytes(16));
        var kind = (AudienceKind)reader.ReadByte();
        var names = new string[reader.ReadInt32()];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = reader.ReadString();
        }

        var count = reader.ReadInt32();
        var serializations = new SerializedMessage[reader.ReadInt32()];
        for (var i = 0; i < serializations.Length; i++)
        {
            var protocol = reader.ReadString();
            serializations[i] = new SerializedMessage(protocol, reader.ReadBytes(reader.ReadInt32()));
        }

        return (node, new Audience(kind, names), Frame.Serialized(serializations, count));
    }
}
