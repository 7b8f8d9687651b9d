using System.Globalization;
using System.Text.RegularExpressions;

namespace FlashSale.Deployment.Tests.Support;

/// <summary>Kubernetes resource quantities ("100m", "0.5", "512Mi", "2Gi", "1G") as numbers.</summary>
public static partial class Quantity
{
    public static long MilliCpu(string quantity) => (long)Math.Round(Parse(quantity) * 1000);

    public static long Bytes(string quantity) => (long)Math.Round(Parse(quantity));

    public static double Parse(string quantity)
    {
        var match = Pattern().Match(quantity.Trim());
        if (!match.Success)
        {
            throw new FormatException($"'{quantity}' is not a Kubernetes quantity");
        }

        var number = double.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture);
        return number * match.Groups["suffix"].Value switch
        {
            "" => 1,
            "m" => 0.001,
            "k" => 1e3,
            "M" => 1e6,
            "G" => 1e9,
            "T" => 1e12,
            "Ki" => 1L << 10,
            "Mi" => 1L << 20,
            "Gi" => 1L << 30,
            "Ti" => 1L << 40,
            var other => throw new FormatException($"unknown quantity suffix '{other}'"),
        };
    }

    [GeneratedRegex(@"^(?<number>[0-9]+(\.[0-9]+)?)(?<suffix>m|k|M|G|T|Ki|Mi|Gi|Ti)?$")]
    private static partial Regex Pattern();
}
