using System.Diagnostics.CodeAnalysis;

namespace FlashSale.Catalog.Domain;

/// <summary>
/// The outcome of validating a draft: the valid value, or what is wrong with it keyed by field name (the names of the
/// draft's fields in camelCase, as the admin sent them), so the API can answer with per-field errors.
/// </summary>
public sealed class Validated<T> where T : class
{
    private Validated(T? value, IDictionary<string, string[]> errors)
    {
        Value = value;
        Errors = errors;
    }

    public T? Value { get; }

    public IDictionary<string, string[]> Errors { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    public bool IsValid => Value is not null;

    public static Validated<T> Valid(T value) => new(value, new Dictionary<string, string[]>());

    public static Validated<T> Invalid(IDictionary<string, string[]> errors) =>
        errors.Count > 0 ? new(null, errors) : throw new ArgumentException("an invalid result needs at least one error", nameof(errors));
}
