using Chat.Server.History;

namespace Chat.Tests.History;

/// <summary>Files (SPEC section 14): uploads attached in the message's commit, and forgotten once no one may read them.</summary>
public abstract partial class HistoryStoreContract
{
    private static StoredFile Upload(string id, string user = "alice", long size = 10, DateTime? at = null) =>
        new(new ChatFile(id, id + ".png", size, "image/png", 2, 3), user, at ?? Now);

    private static async Task<IHistoryStore> WithUploadsAsync(IHistoryStore store, params StoredFile[] files)
    {
        foreach (var file in files)
        {
            await store.AddFileAsync(file, default);
        }

        return store;
    }

    [SkippableFact]
    public async Task A_message_attaches_its_files_in_its_commit_and_every_read_returns_them()
    {
        var store = await WithUploadsAsync(await OpenAsync(), Upload("f1"), Upload("f2"));
        ChatFile[] files = [Upload("f1").File, Upload("f2").File];

        var stored = await AppendAsync(store, [new NewMessage("general", "alice", "", Files: files)]);

        stored[0].Files.Should().Equal(files);
        (await store.GetAsync("general", null, 10, default)).Single().Files.Should().Equal(files);
        (await store.GetMissedAsync(["general"], 0, 10, default)).Single().Files.Should().Equal(files);
        (await store.FindAsync("general", stored[0].Id, default))!.Files.Should().Equal(files);
        (await store.FindFileAsync("f1", default)).Should().Be(Upload("f1") with { Room = "general", MessageId = stored[0].Id });
    }

    [SkippableFact]
    public async Task A_file_attached_already_or_uploaded_by_another_user_is_not_attached_and_its_message_not_stored()
    {
        var store = await WithUploadsAsync(await OpenAsync(), Upload("mine"), Upload("bobs", user: "bob"), Upload("taken"));
        await AppendAsync(store, [new NewMessage("general", "alice", "first", Files: [Upload("taken").File])]);

        var appended = await store.AppendAsync(
            [
                new NewMessage("general", "alice", "again", Files: [Upload("taken").File]),
                new NewMessage("general", "alice", "not mine", Files: [Upload("bobs").File]),
                new NewMessage("general", "alice", "ok", Files: [Upload("mine").File]),
                new NewMessage("general", "alice", "twice in one commit", Files: [Upload("mine").File]),
            ],
            Now,
            default);

        appended.Select(a => a.FilesTaken).Should().Equal(true, true, false, true);
        (await store.GetAsync("general", null, 10, default)).Select(m => m.Text).Should().Equal("first", "ok");
        (await store.FindFileAsync("bobs", default))!.MessageId.Should().BeNull();
    }

    [SkippableFact]
    public async Task A_resent_message_with_files_gets_its_first_send_back()
    {
        var store = await WithUploadsAsync(await OpenAsync(), Upload("f"));
        var message = new NewMessage("general", "alice", "with a file", ClientMessageId: "c1", Files: [Upload("f").File]);
        var first = await store.AppendAsync([message], Now, default);

        var again = await store.AppendAsync([message], Now, default);

        again[0].IsNew.Should().BeFalse();
        again[0].FilesTaken.Should().BeFalse();
        again[0].Message.Should().BeEquivalentTo(first[0].Message);
    }

    [SkippableFact]
    public async Task Files_of_deleted_and_cleared_messages_and_old_uploads_are_forgotten_the_others_kept()
    {
        var store = await WithUploadsAsync(
            await OpenAsync(),
            Upload("kept"),
            Upload("deleted"),
            Upload("cleared"),
            Upload("old", at: Now.AddHours(-25)),
            Upload("recent", at: Now.AddHours(-1)));
        var kept = await AppendAsync(store, [new NewMessage("general", "alice", "", Files: [Upload("kept").File])]);
        var deleted = await AppendAsync(store, [new NewMessage("general", "alice", "", Files: [Upload("deleted").File])]);
        await AppendAsync(store, [new NewMessage("dev", "alice", "", Files: [Upload("cleared").File])]);
        var change = await store.CommitAsync([], [new MessageChange(ChangeKind.Delete, "general", deleted[0].Id, "alice")], Now, default);
        await store.ClearAsync("dev", default);

        var forgotten = await store.ForgetFilesAsync(Now.AddHours(-24), default);

        change.Changes[0].Message!.Files.Should().BeNull("a deleted message shows no files");
        forgotten.Should().BeEquivalentTo("deleted", "cleared", "old");
        (await store.FindFilesAsync(["kept", "deleted", "cleared", "old", "recent"], default)).Select(f => f.File.Id).Should().BeEquivalentTo("kept", "recent");
        (await store.FindAsync("general", kept[0].Id, default))!.Files.Should().ContainSingle();
    }

    [SkippableFact]
    public async Task A_users_stored_bytes_count_every_file_of_theirs()
    {
        var store = await WithUploadsAsync(await OpenAsync(), Upload("a", size: 100), Upload("b", size: 23), Upload("c", user: "bob", size: 1000));

        (await store.FileBytesAsync("alice", default)).Should().Be(123);
        (await store.FileBytesAsync("carol", default)).Should().Be(0);
    }
}
