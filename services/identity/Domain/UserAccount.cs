namespace FlashSale.Identity.Domain;

/// <summary>A user who may sign in; <see cref="UserName"/> becomes the token's <c>sub</c>.</summary>
public sealed record UserAccount(string UserName, PasswordHash PasswordHash, IReadOnlyList<string> Roles);
