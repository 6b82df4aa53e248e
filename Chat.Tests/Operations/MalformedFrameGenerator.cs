using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Chat.Tests.Operations;

/// <summary>Random hub frames, mostly wrong: broken JSON, wrong types, unknown targets, huge arguments, invalid UTF-8, binary noise.</summary>
internal sealed class MalformedFrameGenerator(int seed)
{
    private const string Separator = "\u001e";
    private static readonly string[] Targets = [nameof(IChatHub.SendMessage), nameof(IChatHub.GetHistory), nameof(IChatHub.GetOnlineUsers), "Nope", "sendmessage", "", "OnConnectedAsync", "Dispose"];

    private readonly Random _random = new(seed);
    private int _invocation;

    /// <summary>One frame and its WebSocket message type.</summary>
    public (byte[] Bytes, WebSocketMessageType Type) Next() => _random.Next(20) switch
    {
        0 or 1 => Text(Invocation(nameof(IChatHub.SendMessage), Json(RandomText(1, 200)), Json(RandomUser()))),
        2 or 3 => Text(Invocation(nameof(IChatHub.SendMessage), RandomJsonValue(), RandomJsonValue())),
        4 => Text(Invocation(nameof(IChatHub.SendMessage), Json(new string('y', _random.Next(2001, 20_000))), Json("fuzz"))),
        5 => Text(Invocation(nameof(IChatHub.SendMessage), Json(_random.Next(2) == 0 ? "" : " \t\n "), Json(_random.Next(2) == 0 ? "bad\u0001user" : new string('u', 40)))),
        6 => Text(Invocation(Targets[_random.Next(Targets.Length)], RandomJsonValue())),
        7 => Text(Invocation(nameof(IChatHub.GetHistory), RandomJsonValue(), Json(_random.Next(-5, 700)))),
        8 => Text($"{{\"type\":1,\"target\":\"{nameof(IChatHub.SendMessage)}\",\"arguments\":[\"x\",\"y\"]}}"[..(_random.Next(1, 40))] + Separator),
        9 => (Invalid(), WebSocketMessageType.Text),
        10 => (RandomBytes(_random.Next(1, 300)), WebSocketMessageType.Binary),
        11 => Text(Invocation(nameof(IChatHub.SendMessage), Json(new string('z', 40_000)), Json("huge"))),
        12 => Text($"{{\"type\":{_random.Next(-3, 30)},\"invocationId\":\"{_random.Next()}\"}}" + Separator),
        13 => Text("{\"type\":5,\"invocationId\":\"" + _random.Next(100) + "\"}" + Separator),
        14 => Text("{\"type\":6}" + Separator),
        15 => Text("{\"type\":1,\"target\":\"" + nameof(IChatHub.SendMessage) + "\",\"arguments\":[" + RandomJsonValue() + "]}" + Separator),
        16 => Text(string.Concat(Enumerable.Repeat("{\"type\":6}" + Separator, _random.Next(2, 50)))),
        17 => Text("[" + new string('[', _random.Next(1, 2000)) + Separator),
        18 => Text(Invocation(nameof(IChatHub.GetOnlineUsers))),
        _ => Text("{\"type\":1,\"invocationId\":\"" + _invocation++ + "\",\"target\":\"" + nameof(IChatHub.SendMessage) + "\",\"arguments\":[null,null]}" + Separator),
    };

    private static (byte[], WebSocketMessageType) Text(string frame) => (Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text);

    private string Invocation(string target, params string[] arguments) =>
        $"{{\"type\":1,\"invocationId\":\"{_invocation++}\",\"target\":{Json(target)},\"arguments\":[{string.Join(',', arguments)}]}}{Separator}";

    private static string Json(object? value) => JsonSerializer.Serialize(value);

    private string RandomJsonValue() => _random.Next(8) switch
    {
        0 => "null",
        1 => _random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        2 => "true",
        3 => "{\"a\":[1,2,{\"b\":null}]}",
        4 => "[1,\"two\",3.5]",
        5 => Json(RandomText(0, 50)),
        6 => "1e999",
        _ => "\"\\ud800\"",
    };

    private string RandomText(int min, int max)
    {
        var chars = new char[_random.Next(min, max)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)_random.Next(0x20, 0x2FFF);
        }

        return new string(chars);
    }

    private string RandomUser() => _random.Next(3) == 0 ? "fuzzer" : RandomText(1, 32).Trim() is { Length: > 0 } name ? name : "f";

    private static byte[] Invalid()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"type\":1,\"target\":\"" + nameof(IChatHub.SendMessage) + "\",\"arguments\":[\"");
        return [.. bytes, 0xC3, 0x28, 0xFF, 0xFE, (byte)'"', (byte)']', (byte)'}', 0x1E];
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
