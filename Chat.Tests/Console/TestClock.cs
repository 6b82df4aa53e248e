namespace Chat.Tests.ConsoleClient;

/// <summary>The real clock in a fixed time zone (UTC+05:30), so tests can state which local time a line shows.</summary>
internal sealed class TestClock : TimeProvider
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.CreateCustomTimeZone("Test+05:30", new TimeSpan(5, 30, 0), "Test+05:30", "Test+05:30");

    public override TimeZoneInfo LocalTimeZone => Zone;

    /// <summary>The line the console prints for a message with these fields.</summary>
    public static string Line(DateTime sentAtUtc, string user, string text) =>
        $"[{TimeZoneInfo.ConvertTimeFromUtc(sentAtUtc, Zone):HH:mm}] {user}: {text}";
}
