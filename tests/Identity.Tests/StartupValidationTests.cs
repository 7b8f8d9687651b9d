using Microsoft.Extensions.Options;

namespace FlashSale.Identity.Tests;

/// <summary>Misconfiguration stops the service at start-up with a message naming the setting, not at the first login.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public void Outside_development_and_testing_a_missing_signing_key_fails_start_up()
    {
        using var identity = new IdentityFactory();

        var error = Assert.IsType<OptionsValidationException>(identity.StartUpFailure(new Dictionary<string, string?>(), environment: "Production"));

        Assert.Contains("Identity:SigningKey is not configured", error.Message);
    }

    [Fact]
    public void A_signing_key_that_is_not_an_rsa_pem_fails_start_up()
    {
        using var identity = new IdentityFactory();

        var error = Assert.IsType<OptionsValidationException>(identity.StartUpFailure(new Dictionary<string, string?>
        {
            ["Identity:SigningKey"] = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----",
        }));

        Assert.Contains("Identity:SigningKey is not an RSA private key", error.Message);
    }

    [Fact]
    public void A_user_with_a_plaintext_password_instead_of_a_hash_fails_start_up()
    {
        using var identity = new IdentityFactory();

        var error = Assert.IsType<OptionsValidationException>(identity.StartUpFailure(new Dictionary<string, string?>
        {
            ["Identity:Users:carol:PasswordHash"] = "carol-password",
            ["Identity:Users:carol:Roles:0"] = "customer",
        }));

        Assert.Contains("Identity:Users:carol:PasswordHash is not a valid password hash", error.Message);
    }
}
