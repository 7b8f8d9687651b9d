using System.Globalization;
using FlashSale.Storefront.Infrastructure;

namespace FlashSale.Storefront.Api.Components;

/// <summary>
/// Reads what a form posted into the API's types. Text that is no number or time becomes a field error here, in the
/// API's shape, so the page shows it like the API's own; empty text is sent as null for the API to judge.
/// </summary>
public sealed class FormValues
{
    private readonly Dictionary<string, string[]> _errors = [];

    public decimal? Decimal(string field, string? text) => Parse<decimal>(field, text, "a number such as 19.99",
        value => decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) ? number : null);

    public int? Integer(string field, string? text) => Parse<int>(field, text, "a whole number",
        value => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null);

    public DateTimeOffset? UtcTime(string field, string? text) => Parse<DateTimeOffset>(field, text, "a date and time",
        value => DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? new DateTimeOffset(time, TimeSpan.Zero)
            : null);

    /// <summary>The problem to show when some text could not be read, else null.</summary>
    public GatewayProblem? Problem => _errors.Count == 0 ? null : new GatewayProblem(400, "Invalid input", null, _errors, null);

    public static string LocalTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    private T? Parse<T>(string field, string? text, string expected, Func<string, T?> parse) where T : struct
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = parse(text.Trim());
        if (value is null)
        {
            _errors[field] = [$"Enter {expected}."];
        }

        return value;
    }
}
