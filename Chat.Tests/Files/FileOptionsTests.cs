using Chat.Server.Files;
using FileOptions = Chat.Server.Files.FileOptions;

namespace Chat.Tests.Files;

/// <summary><c>Chat:Files</c> is checked at start; each failure names its key.</summary>
public sealed class FileOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_keep_files_in_a_folder()
    {
        var options = new FileOptions();

        new FileOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue();
        options.Should().BeEquivalentTo(new { MaxBytes = 25L * 1024 * 1024, QuotaBytes = 1024L * 1024 * 1024, UsesS3 = false });
    }

    [Theory]
    [InlineData("Chat:Files:MaxBytes must be between 1 and", 0L, null, null, null)]
    [InlineData("Chat:Files:S3:ServiceUrl must be the http(s) address", 10L, "ftp://x", "b", "k")]
    [InlineData("Chat:Files:S3:Bucket must name the bucket", 10L, "http://127.0.0.1:9000", null, "k")]
    [InlineData("Chat:Files:S3:AccessKey and Chat:Files:S3:SecretKey must both be set", 10L, "http://127.0.0.1:9000", "b", null)]
    public void A_bad_setting_is_refused_naming_its_key(string failure, long maxBytes, string? serviceUrl, string? bucket, string? keys)
    {
        var options = new FileOptions { MaxBytes = maxBytes, S3 = new S3Options { ServiceUrl = serviceUrl, Bucket = bucket, AccessKey = keys, SecretKey = keys } };

        var result = new FileOptionsValidator().Validate(null, options);

        result.Failed.Should().BeTrue();
        result.Failures.Should().Contain(line => line.StartsWith(failure, StringComparison.Ordinal));
    }
}
