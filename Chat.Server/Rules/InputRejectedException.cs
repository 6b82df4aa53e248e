namespace Chat.Server.Rules;

/// <summary>
/// Input that breaks a rule. The message is shown to the user as it is, so it says what was wrong
/// and what is allowed; <see cref="Reason"/> is a short stable code for logs and metrics.
/// </summary>
public sealed class InputRejectedException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
