using Chat.Server.Files;

namespace Chat.Tests.Files;

public sealed class ImageHeaderTests
{
    public static TheoryData<string, byte[], string, int, int> Images => new()
    {
        { "PNG", FileSamples.Png(640, 480), "image/png", 640, 480 },
        { "GIF", FileSamples.Gif(32, 16), "image/gif", 32, 16 },
        { "JPEG with metadata before its frame", FileSamples.Jpeg(4000, 3000), "image/jpeg", 4000, 3000 },
        { "WebP lossy", FileSamples.WebP("VP8 ", 300, 200), "image/webp", 300, 200 },
        { "WebP lossless", FileSamples.WebP("VP8L", 1024, 768), "image/webp", 1024, 768 },
        { "WebP extended", FileSamples.WebP("VP8X", 5000, 70), "image/webp", 5000, 70 },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void An_images_type_and_dimensions_are_read_from_its_header(string format, byte[] bytes, string contentType, int width, int height)
    {
        ImageHeader.Read(bytes).Should().Be(new ImageHeader(contentType, width, height), format);
    }

    [Theory]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")]
    [InlineData("<!DOCTYPE html><html><body>hi</body></html>")]
    [InlineData("")]
    [InlineData("GIF8")]
    public void Anything_else_is_not_an_image(string text)
    {
        ImageHeader.Read(System.Text.Encoding.UTF8.GetBytes(text)).Should().BeNull();
    }

    [Fact]
    public void A_cut_header_is_the_type_without_dimensions_and_never_reads_past_its_end()
    {
        ImageHeader.Read(FileSamples.Png(1, 1).AsSpan(0, 12)).Should().Be(new ImageHeader("image/png", null, null));
        ImageHeader.Read(FileSamples.Jpeg(10, 10).AsSpan(0, 30)).Should().Be(new ImageHeader("image/jpeg", null, null));
        ImageHeader.Read(FileSamples.WebP("VP8 ", 10, 10).AsSpan(0, 20)).Should().Be(new ImageHeader("image/webp", null, null));
    }
}
