using System.Globalization;

namespace Chat.Bench;

/// <summary>What the receivers and senders of one run found wrong; every count must be 0.</summary>
internal readonly record struct DeliveryChecks(long Missing, long Duplicated, long Reordered, long Unacked)
{
    /// <summary>The checks of one run whose receivers should each have got <paramref name="expected"/> messages.</summary>
    public static DeliveryChecks Of(IEnumerable<DeliveryLog> readers, long expected, long received, SendResult sent) => new(
        expected - received,
        readers.Sum(log => log.Duplicated),
        readers.Sum(log => log.Reordered),
        sent.Sent - sent.Acked);

    public static DeliveryChecks operator +(DeliveryChecks a, DeliveryChecks b) =>
        new(a.Missing + b.Missing, a.Duplicated + b.Duplicated, a.Reordered + b.Reordered, a.Unacked + b.Unacked);

    /// <summary>Nothing missing, duplicated, reordered or unacked.</summary>
    public bool IsClean => this == default;

    /// <summary>The counts summed over <paramref name="runs"/>, for a table row: "missing / duplicated / reordered / unacked".</summary>
    public static string Total(IEnumerable<DeliveryChecks> runs)
    {
        var all = runs.Aggregate(default(DeliveryChecks), (a, b) => a + b);
        return string.Create(CultureInfo.InvariantCulture, $"{all.Missing} / {all.Duplicated} / {all.Reordered} / {all.Unacked}");
    }

    /// <summary>For a run's line: "missing/dup/reordered 0/0/0, unacked 0".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"missing/dup/reordered {Missing}/{Duplicated}/{Reordered}, unacked {Unacked}");
}
