using Chat.Server.Rules;

namespace Chat.Server.Accounts;

/// <summary>What a password must be (SPEC section 13), with a sentence saying what is allowed when it is not.</summary>
public static class PasswordRules
{
    public const int MinLength = 10;

    /// <summary>Longer ones are refused before they are hashed: hashing costs the same whatever the length, reading does not.</summary>
    public const int MaxLength = 128;

    /// <summary>Why <paramref name="password"/> will not do for <paramref name="user"/>, or null when it will.</summary>
    public static string? Problem(string user, string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinLength)
        {
            return $"The password is too short: use at least {MinLength} characters (a few words make a good one).";
        }

        if (password.Length > MaxLength)
        {
            return $"The password is too long: use at most {MaxLength} characters.";
        }

        if (string.Equals(password.Trim(), user, StringComparison.OrdinalIgnoreCase))
        {
            return "The password may not be the user name; choose something else.";
        }

        return null;
    }

    /// <summary>The normalized name, or why the name rules (SPEC section 3) refuse it.</summary>
    public static string? NameProblem(string? name, out string normalized)
    {
        normalized = "";
        try
        {
            normalized = UserNames.Normalize(name ?? "");
            return null;
        }
        catch (InputRejectedException refusal)
        {
            return refusal.Message;
        }
    }
}
