using System.Text.RegularExpressions;

namespace FlashSale.Identity.Domain;

/// <summary>
/// What a new customer's name and password must be. Names are matched case-insensitively and become the token's
/// <c>sub</c>, which travels in headers and URLs, so they are short and URL-safe. Passwords follow NIST SP 800-63B:
/// long rather than complicated, and not the name itself.
/// </summary>
public static partial class SignUpRules
{
    public const int MinUserNameLength = 3;
    public const int MaxUserNameLength = 32;
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 128;

    /// <summary>The errors per field (<c>username</c>, <c>password</c>); empty when both are acceptable.</summary>
    public static Dictionary<string, string[]> Check(string? userName, string? password)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(userName))
        {
            errors["username"] = ["A user name is required."];
        }
        else if (!UserNameFormat().IsMatch(userName))
        {
            errors["username"] = [$"A user name has {MinUserNameLength} to {MaxUserNameLength} letters, digits, '.', '_' or '-', and starts with a letter or digit."];
        }

        if (string.IsNullOrEmpty(password))
        {
            errors["password"] = ["A password is required."];
        }
        else if (password.Length is < MinPasswordLength or > MaxPasswordLength)
        {
            errors["password"] = [$"A password has {MinPasswordLength} to {MaxPasswordLength} characters."];
        }
        else if (string.IsNullOrWhiteSpace(password) || password.Distinct().Count() == 1)
        {
            errors["password"] = ["A password needs more than one distinct character."];
        }
        else if (!string.IsNullOrWhiteSpace(userName) && password.Contains(userName, StringComparison.OrdinalIgnoreCase))
        {
            errors["password"] = ["A password must not contain the user name."];
        }

        return errors;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{2,31}\z")]
    private static partial Regex UserNameFormat();
}
