using System.Text.Json;

namespace Chat.Client.Console.SignIn;

/// <summary>
/// Where <c>login</c> keeps sign-ins: <c>chat/sign-ins.json</c> in the user's config folder (<c>$XDG_CONFIG_HOME</c> or
/// <c>~/.config</c>), one per server, readable by the user only (0600, in a 0700 folder): it holds refresh tokens.
/// </summary>
internal sealed class SignInStore(string? folder = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly Lock _lock = new();

    public string Folder { get; } = folder ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "chat");

    public string FilePath => Path.Combine(Folder, "sign-ins.json");

    /// <summary>The sign-in kept for <paramref name="server"/>, or null.</summary>
    public SavedSignIn? Find(Uri server)
    {
        var saved = ReadAll().GetValueOrDefault(Key(server));
        if (saved is not null)
        {
            saved.Store = this;
        }

        return saved;
    }

    public void Save(SavedSignIn signIn)
    {
        lock (_lock)
        {
            var all = ReadAll();
            all[Key(new Uri(signIn.Server))] = signIn;
            Write(all);
        }
    }

    /// <summary>Forgets the sign-in kept for <paramref name="server"/>; false when there was none.</summary>
    public bool Remove(Uri server)
    {
        lock (_lock)
        {
            var all = ReadAll();
            if (!all.Remove(Key(server)))
            {
                return false;
            }

            Write(all);
            return true;
        }
    }

    public static string Key(Uri server) => server.GetLeftPart(UriPartial.Authority).ToLowerInvariant() + "/";

    private Dictionary<string, SavedSignIn> ReadAll()
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, SavedSignIn>>(File.ReadAllText(FilePath), Json) ?? [];
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return [];
        }
    }

    private void Write(Dictionary<string, SavedSignIn> all)
    {
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else
        {
            Directory.CreateDirectory(Folder);
        }

        // Written beside and moved over, so that a crash never leaves half a file; created 0600 from the start.
        var next = FilePath + ".next";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(next, options))
        {
            JsonSerializer.Serialize(file, all, Json);
        }

        File.Move(next, FilePath, overwrite: true);
    }
}
