using System.Text.RegularExpressions;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// Files on the page (SPEC section 14): the attach button, drag and drop and paste, upload progress, images inline in a
/// box sized before they load (scaled, lazily, full size on click), other files as chips with name and size. Images are
/// real PNGs drawn by the browser's canvas. The tests share one server and each uses its own users and room.
/// </summary>
[Collection(BrowserTests.Name)]
public class FilePageTests(BrowserFixture browser, SharedChat chat) : IClassFixture<SharedChat>
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = ChatPage.Timeout };
    private static readonly LocatorAssertionsToHaveCountOptions PatientCount = new() { Timeout = ChatPage.Timeout };

    /// <summary>A real <paramref name="width"/> × <paramref name="height"/> PNG, drawn by the page's canvas.</summary>
    private static async Task<byte[]> PngAsync(ChatPage page, int width, int height)
    {
        var data = await page.Page.EvaluateAsync<string>(
            """
            ([width, height]) => {
              const canvas = document.createElement("canvas");
              canvas.width = width;
              canvas.height = height;
              const context = canvas.getContext("2d");
              context.fillStyle = "#3b82f6";
              context.fillRect(0, 0, width, height);
              context.fillStyle = "#f59e0b";
              context.fillRect(width / 4, height / 4, width / 2, height / 2);
              return canvas.toDataURL("image/png");
            }
            """,
            new[] { width, height });
        return Convert.FromBase64String(data[(data.IndexOf(',') + 1)..]);
    }

    private static async Task<ChatPage> OpenInRoomAsync(IBrowser browser, Uri url, string user, string room, int width = 1024)
    {
        var page = await ChatPage.OpenAsync(browser, url, user, width);
        if (width < 640)
        {
            await page.Page.Locator("#menu").ClickAsync();
        }

        await page.JoinAsync(room);
        await Expect(page.Title).ToHaveTextAsync($"#{room}", Patiently);
        return page;
    }

    [SkippableFact]
    public async Task Files_attached_with_the_button_upload_with_progress_and_go_with_the_message_an_image_inline_another_file_as_a_chip()
    {
        await using var kim = await chat.Server.ConnectAsync("kim");
        await kim.JoinAsync("shots");
        await using var lee = await OpenInRoomAsync(browser.Browser, chat.Url, "lee", "shots");
        var png = await PngAsync(lee, 800, 600);

        // Act: two files through the attach button's file input.
        await lee.Page.Locator("#file-input").SetInputFilesAsync(
        [
            new FilePayload { Name = "screen shot.png", MimeType = "image/png", Buffer = png },
            new FilePayload { Name = "notes <1>.txt", MimeType = "text/plain", Buffer = "release notes\n"u8.ToArray() },
        ]);

        // Assert: a chip each above the input, uploaded; then sent with a text.
        var chips = lee.Page.Locator("#attachments .attachment");
        await Expect(chips).ToHaveCountAsync(2);
        await Expect(lee.Page.Locator("#attachments .attachment.uploading")).ToHaveCountAsync(0, PatientCount);
        await Expect(chips.First).ToContainTextAsync("screen shot.png");
        await lee.ScreenshotAsync("files-attached");
        await lee.SendAsync("the screenshot and the notes");

        var message = lee.Message("the screenshot and the notes");
        await Expect(message.Locator(".files img")).ToHaveCountAsync(1, PatientCount);
        await Expect(lee.Page.Locator("#attachments")).ToBeHiddenAsync();
        var image = message.Locator(".files img");
        await Expect(image).ToHaveAttributeAsync("alt", "screen shot.png");
        await Expect(image).ToHaveAttributeAsync("loading", "lazy");
        await Expect(message.Locator(".files a.image")).ToHaveAttributeAsync("target", "_blank");
        var chip = message.Locator(".file-chip");
        await Expect(chip).ToHaveTextAsync(new Regex(@"notes <1>\.txt\s*14 bytes"));

        // The image: scaled to 320 × 240 (800 × 600 within 360 × 240), that size before and after it loads, and it loads.
        await Expect(image).ToHaveJSPropertyAsync("complete", true, new() { Timeout = ChatPage.Timeout });
        var box = await image.EvaluateAsync<double[]>("image => { const r = image.getBoundingClientRect(); return [r.width, r.height, image.naturalWidth]; }");
        box.Should().Equal([320, 240, 800], "the box is the scaled size and the image decoded");
        (await lee.AtBottomAsync()).Should().BeTrue("an image that loads does not move the view");

        // kim's .NET client has the message with both files, and the file behind the chip is the one uploaded.
        var received = (await kim.RoomHistoryAsync("shots")).Single(m => m.Text == "the screenshot and the notes");
        received.Files!.Select(f => (f.Name, f.Width, f.Height)).Should().Equal(("screen shot.png", 800, 600), ("notes <1>.txt", null, null));
        var download = await lee.Page.APIRequest.GetAsync(await chip.EvaluateAsync<string>("link => link.href"));
        (await download.TextAsync()).Should().Be("release notes\n");
        download.Headers["content-disposition"].Should().StartWith("attachment");
        await lee.ScreenshotAsync("files-sent");
        lee.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_file_dropped_on_the_conversation_or_an_image_pasted_into_the_input_is_attached_and_a_file_alone_makes_a_message()
    {
        await using var mia = await OpenInRoomAsync(browser.Browser, chat.Url, "mia", "drops", width: 390);

        // Act: a file dropped on the conversation.
        await mia.Page.EvaluateAsync(
            """
            () => {
              const data = new DataTransfer();
              data.items.add(new File(["a,b\n1,2\n"], "table.csv", { type: "text/csv" }));
              const chat = document.querySelector(".chat");
              chat.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
              chat.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
            }
            """);
        await Expect(mia.Page.Locator("#attachments .attachment:not(.uploading)")).ToHaveTextAsync([new Regex("table\\.csv")], Patiently);

        // Act: an image pasted into the input (as a screenshot is).
        await mia.Page.EvaluateAsync(
            """
            async () => {
              const canvas = document.createElement("canvas");
              canvas.width = 40;
              canvas.height = 30;
              canvas.getContext("2d").fillRect(0, 0, 40, 30);
              const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
              const data = new DataTransfer();
              data.items.add(new File([blob], "image.png", { type: "image/png" }));
              document.getElementById("text").dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
            }
            """);
        await Expect(mia.Page.Locator("#attachments .attachment:not(.uploading)")).ToHaveCountAsync(2, PatientCount);
        await mia.ScreenshotAsync("files-dropped-and-pasted-phone");

        // Act: Enter with no text sends the files alone.
        await mia.Input.PressAsync("Enter");

        // Assert
        var sent = mia.Page.Locator("#messages li.message:has(.files)");
        await Expect(sent).ToHaveCountAsync(1, PatientCount);
        await Expect(sent.Locator(".file-chip .file-name")).ToHaveTextAsync("table.csv");
        await Expect(sent.Locator("img")).ToHaveCountAsync(1);
        await Expect(mia.Error).ToBeHiddenAsync();
        mia.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task An_upload_shows_its_progress_and_the_message_waits_until_it_is_done()
    {
        await using var ola = await OpenInRoomAsync(browser.Browser, chat.Url, "ola", "slow");
        var network = await ola.Page.Context.NewCDPSessionAsync(ola.Page);
        await network.SendAsync("Network.enable");
        await network.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = 256 * 1024,
        });

        // Act: a 2 MB file over a 256 KB/s uplink, and Enter while it is on its way.
        await ola.Page.Locator("#file-input").SetInputFilesAsync(new FilePayload { Name = "big.bin", MimeType = "application/octet-stream", Buffer = new byte[2_000_000] });
        var progress = ola.Page.Locator("#attachments progress");
        await Expect(progress).ToBeVisibleAsync();
        await Eventually.UntilAsync(async () => await progress.EvaluateAsync<double>("bar => bar.value") > 0, "the bar moves");
        await ola.ScreenshotAsync("file-uploading");
        await ola.Input.FillAsync("with the big file");
        await ola.Input.PressAsync("Enter");

        // Assert: it waits, saying why; once uploaded it goes.
        await Expect(ola.Error).ToContainTextAsync("still uploading");
        await Expect(ola.Input).ToHaveValueAsync("with the big file");
        await network.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = -1,
        });
        await Expect(progress).ToHaveCountAsync(0, PatientCount);
        await ola.Input.PressAsync("Enter");
        await Expect(ola.Message("with the big file").Locator(".file-chip")).ToContainTextAsync("big.bin", new() { Timeout = ChatPage.Timeout });
        ola.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_file_over_the_limit_is_refused_with_the_servers_sentence_and_the_message_waits_for_uploads()
    {
        await using var ned = await OpenInRoomAsync(browser.Browser, chat.Url, "ned", "limits");

        // An empty message with nothing attached says what it needs.
        await ned.Input.PressAsync("Enter");
        await Expect(ned.Error).ToContainTextAsync("Type some text or attach a file");

        // A file over Chat:Files:MaxBytes (25 MiB): the server's 413 names the limit; nothing stays attached.
        await ned.Page.EvaluateAsync(
            """
            () => {
              const data = new DataTransfer();
              data.items.add(new File([new Uint8Array(25 * 1024 * 1024 + 1)], "huge.bin"));
              const chat = document.querySelector(".chat");
              chat.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
            }
            """);
        await Expect(ned.Error).ToContainTextAsync("huge.bin", new() { Timeout = ChatPage.Timeout });
        await Expect(ned.Error).ToContainTextAsync("25 MiB");
        await Expect(ned.Page.Locator("#attachments .attachment")).ToHaveCountAsync(0);
    }
}
