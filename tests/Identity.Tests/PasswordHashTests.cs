using FlashSale.Identity.Api;
using FlashSale.Identity.Domain;

namespace FlashSale.Identity.Tests;

public sealed class PasswordHashTests
{
    // Few iterations keep these unit tests fast; the format records the count, so verification uses it.
    private const int FastIterations = 1_000;

    [Fact]
    public void A_hash_matches_its_password_and_no_other()
    {
        var hash = PasswordHash.Create("correct horse", FastIterations);

        Assert.True(hash.Matches("correct horse"));
        Assert.False(hash.Matches("correct horse "));
        Assert.False(hash.Matches(""));
    }

    [Fact]
    public void The_text_form_describes_algorithm_and_iterations_and_round_trips()
    {
        var encoded = PasswordHash.Create("battery staple", FastIterations).ToString();

        Assert.StartsWith("pbkdf2-sha256:1000:", encoded);
        var parsed = PasswordHash.Parse(encoded);
        Assert.Equal(FastIterations, parsed.Iterations);
        Assert.True(parsed.Matches("battery staple"));
        Assert.Equal(encoded, parsed.ToString());
    }

    [Fact]
    public void The_same_password_hashes_differently_each_time_because_of_the_salt()
    {
        Assert.NotEqual(PasswordHash.Create("same", FastIterations).ToString(), PasswordHash.Create("same", FastIterations).ToString());
    }

    [Fact]
    public void New_hashes_use_the_default_iteration_count()
    {
        Assert.Equal(PasswordHash.DefaultIterations, PasswordHash.Create("x").Iterations);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("plaintext")]
    [InlineData("pbkdf2-sha1:1000:c2FsdA==:aGFzaA==")]
    [InlineData("pbkdf2-sha256:0:c2FsdA==:aGFzaA==")]
    [InlineData("pbkdf2-sha256:-5:c2FsdA==:aGFzaA==")]
    [InlineData("pbkdf2-sha256:1000:not base64!:aGFzaA==")]
    [InlineData("pbkdf2-sha256:1000::aGFzaA==")]
    [InlineData("pbkdf2-sha256:1000:c2FsdA==:aGFzaA==:extra")]
    public void Malformed_hashes_are_rejected(string? encoded)
    {
        Assert.False(PasswordHash.TryParse(encoded, out _));
    }

    [Fact]
    public void The_hash_password_command_prints_a_hash_of_the_password_from_standard_input()
    {
        var output = new StringWriter();

        var exitCode = PasswordHashCommand.Run(["hash-password"], new StringReader("s3cret\n"), output, new StringWriter());

        Assert.Equal(0, exitCode);
        Assert.True(PasswordHash.Parse(output.ToString().Trim()).Matches("s3cret"));
    }

    [Fact]
    public void The_hash_password_command_without_a_password_prints_usage_and_fails()
    {
        var error = new StringWriter();

        var exitCode = PasswordHashCommand.Run(["hash-password"], new StringReader(""), new StringWriter(), error);

        Assert.Equal(2, exitCode);
        Assert.Contains("usage", error.ToString());
    }
}
