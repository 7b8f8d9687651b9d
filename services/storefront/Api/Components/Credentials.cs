namespace FlashSale.Storefront.Api.Components;

/// <summary>What the sign-up and sign-in forms post.</summary>
public sealed class Credentials
{
    public string? UserName { get; set; }

    public string? Password { get; set; }
}
