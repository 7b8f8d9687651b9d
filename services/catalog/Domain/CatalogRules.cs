using System.Text.RegularExpressions;
using FlashSale.Contracts;

namespace FlashSale.Catalog.Domain;

/// <summary>What makes a product or a flash sale valid. Every rule reports on the field it concerns.</summary>
public static partial class CatalogRules
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 2000;

    /// <summary>A sanity cap that also keeps every price representable as gRPC Money (int64 units).</summary>
    public const decimal MaxPrice = 1_000_000m;

    public static Validated<Product> ValidateProduct(ProductDraft draft, Sale? scheduledSale)
    {
        var errors = new ErrorList();
        if (string.IsNullOrWhiteSpace(draft.Sku))
        {
            errors.Add("sku", "is required");
        }
        else if (!Identifiers.IsSku(draft.Sku))
        {
            errors.Add("sku", $"must be {Identifiers.SkuRule}");
        }

        var name = draft.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add("name", "is required");
        }
        else if (name.Length > MaxNameLength)
        {
            errors.Add("name", $"must be at most {MaxNameLength} characters");
        }

        var description = draft.Description?.Trim() ?? string.Empty;
        if (description.Length > MaxDescriptionLength)
        {
            errors.Add("description", $"must be at most {MaxDescriptionLength} characters");
        }

        CheckAmount(errors, "price", draft.Price);
        if (draft.Price is { } price && scheduledSale is not null && price <= scheduledSale.SalePrice)
        {
            errors.Add("price", $"must stay above the flash sale price {scheduledSale.SalePrice}; reschedule or cancel the sale first");
        }

        if (string.IsNullOrEmpty(draft.Currency))
        {
            errors.Add("currency", "is required");
        }
        else if (!CurrencyFormat().IsMatch(draft.Currency))
        {
            errors.Add("currency", "must be an ISO 4217 code of 3 upper-case letters, e.g. EUR");
        }

        return errors.IsEmpty
            ? Validated<Product>.Valid(new Product(draft.Sku!, name!, description, draft.Price!.Value, draft.Currency!, scheduledSale))
            : Validated<Product>.Invalid(errors.ToDictionary());
    }

    /// <summary>Validates a sale for a product whose regular price is <paramref name="regularPrice"/>.</summary>
    public static Validated<Sale> ValidateSale(SaleDraft draft, decimal regularPrice, DateTimeOffset now)
    {
        var errors = new ErrorList();
        CheckAmount(errors, "salePrice", draft.SalePrice);
        if (draft.SalePrice >= regularPrice)
        {
            errors.Add("salePrice", $"must be below the regular price {regularPrice}");
        }

        if (draft.StartsAt is null)
        {
            errors.Add("startsAt", "is required");
        }

        if (draft.EndsAt is not { } endsAt)
        {
            errors.Add("endsAt", "is required");
        }
        else if (endsAt <= draft.StartsAt)
        {
            errors.Add("endsAt", "must be after startsAt");
        }
        else if (endsAt <= now)
        {
            // A sale that is over before it is saved can only be a mistake (a wrong date or time zone).
            errors.Add("endsAt", "must be in the future");
        }

        if (draft.PerCustomerLimit is < 1 or > Sale.MaxPerCustomerLimit)
        {
            errors.Add("perCustomerLimit", $"must be between 1 and {Sale.MaxPerCustomerLimit}, or left out for no limit");
        }

        return errors.IsEmpty
            ? Validated<Sale>.Valid(new Sale(draft.SalePrice!.Value, draft.StartsAt!.Value, draft.EndsAt!.Value, draft.PerCustomerLimit))
            : Validated<Sale>.Invalid(errors.ToDictionary());
    }

    private static void CheckAmount(ErrorList errors, string field, decimal? amount)
    {
        if (amount is not { } value)
        {
            errors.Add(field, "is required");
        }
        else if (value <= 0)
        {
            errors.Add(field, "must be greater than 0");
        }
        else if (value > MaxPrice)
        {
            errors.Add(field, $"must be at most {MaxPrice}");
        }
        else if (decimal.Round(value, 2) != value)
        {
            errors.Add(field, "must have at most 2 decimal places");
        }
    }

    [GeneratedRegex(@"^[A-Z]{3}\z")]
    private static partial Regex CurrencyFormat();

    private sealed class ErrorList
    {
        private readonly Dictionary<string, List<string>> _byField = [];

        public bool IsEmpty => _byField.Count == 0;

        public void Add(string field, string message)
        {
            if (!_byField.TryGetValue(field, out var messages))
            {
                _byField[field] = messages = [];
            }

            messages.Add(message);
        }

        public Dictionary<string, string[]> ToDictionary() => _byField.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray());
    }
}
