using FlashSale.Identity.Domain;

namespace FlashSale.Identity.Api;

/// <summary>
/// <c>dotnet run --project services/identity -- hash-password [password]</c> prints the hash to put into
/// <c>Identity:Users:&lt;name&gt;:PasswordHash</c>. Without the argument the password is read from standard input,
/// which keeps it out of the shell history: <c>read -rs pw; echo "$pw" | dotnet run ... -- hash-password</c>.
/// </summary>
public static class PasswordHashCommand
{
    public const string Name = "hash-password";

    public static bool IsRequested(string[] args) => args is [Name, ..];

    /// <returns>The process exit code.</returns>
    public static int Run(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var password = args is [_, var given] ? given : input.ReadLine();
        if (string.IsNullOrEmpty(password))
        {
            error.WriteLine($"usage: {Name} [password]   (reads the password from standard input when omitted)");
            return 2;
        }

        output.WriteLine(PasswordHash.Create(password));
        return 0;
    }
}
