namespace FlashSale.Catalog.Domain;

/// <summary>A product as an admin described it, not yet validated: every field may be missing.</summary>
public sealed record ProductDraft(string? Sku, string? Name, string? Description, decimal? Price, string? Currency);

/// <summary>A flash sale as an admin described it, not yet validated.</summary>
public sealed record SaleDraft(decimal? SalePrice, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, int? PerCustomerLimit = null);
