namespace Chat.Server.Operations;

/// <summary>Who may read the metrics: the <c>Chat</c> section's <c>MetricsToken</c>.</summary>
public sealed class OperationsOptions
{
    public const string Section = "Chat";

    /// <summary>When set, <c>/metrics</c> answers only requests with <c>Authorization: Bearer</c> and this token.</summary>
    public string? MetricsToken { get; set; }
}
