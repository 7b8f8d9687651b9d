using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace FlashSale.Contracts;

/// <summary>
/// The identifiers every service shares, with one rule each. SKUs are chosen by admins in catalog and then travel as
/// actor ids, Kafka keys and URL segments, unescaped; order ids are made by ordering and become part of reminder names.
/// Both are therefore limited to URL-safe characters.
/// </summary>
public static partial class Identifiers
{
    public const int MaxSkuLength = 32;
    public const int MaxOrderIdLength = 100;

    /// <summary>The SKU rule in words, for validation messages.</summary>
    public const string SkuRule = "3 to 32 characters A-Z, 0-9 or '-', starting with a letter or digit";

    public static bool IsSku([NotNullWhen(true)] string? value) => value is not null && SkuFormat().IsMatch(value);

    public static bool IsOrderId([NotNullWhen(true)] string? value) =>
        value is { Length: > 0 and <= MaxOrderIdLength } && UrlSafe().IsMatch(value);

    // \z, not $: "$" would also accept a trailing newline.
    [GeneratedRegex(@"^[A-Z0-9][A-Z0-9-]{2,31}\z")]
    private static partial Regex SkuFormat();

    [GeneratedRegex(@"^[A-Za-z0-9._~-]+\z")]
    private static partial Regex UrlSafe();
}
