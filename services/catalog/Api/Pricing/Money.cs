// Conversions for the Money message of pricing.proto, as part of the generated class. Every project that generates
// pricing.proto compiles this file too, so server and clients convert alike; ordering's csproj links it:
//   <Protobuf Include="../catalog/Api/Pricing/pricing.proto" GrpcServices="Client" Access="Internal" />
//   <Compile Include="../catalog/Api/Pricing/Money.cs" Link="Protos/Money.cs" />
namespace FlashSale.Catalog.Api.Pricing;

// No access modifier: the generated part decides (public in catalog, internal in ordering).
partial class Money
{
    private const decimal NanosPerUnit = 1_000_000_000m;

    /// <summary>The exact Money for <paramref name="amount"/>; throws rather than round a fraction finer than a nano.</summary>
    public static Money FromDecimal(decimal amount, string currency)
    {
        var units = decimal.Truncate(amount);
        var nanos = (amount - units) * NanosPerUnit;
        if (nanos != decimal.Truncate(nanos))
        {
            throw new ArgumentException($"{amount} has more than 9 decimal places", nameof(amount));
        }

        if (units is < long.MinValue or > long.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "does not fit in Money's int64 units");
        }

        return new Money { Currency = currency, Units = (long)units, Nanos = (int)nanos };
    }

    /// <summary>The amount as a decimal; throws for a Money the proto's contract rules out (nanos out of range or of the other sign).</summary>
    public decimal ToDecimal()
    {
        if (Nanos is <= -1_000_000_000 or >= 1_000_000_000 || (Units > 0 && Nanos < 0) || (Units < 0 && Nanos > 0))
        {
            throw new InvalidOperationException($"invalid Money: units {Units} and nanos {Nanos}");
        }

        return Units + (Nanos / NanosPerUnit);
    }
}
