using System.Globalization;
using System.Text.RegularExpressions;

namespace FlashSale.LoadGen.Api;

/// <summary>Durations as people type them: <c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1m30s</c>, <c>1h</c>; a bare number is seconds.</summary>
internal static partial class Durations
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            duration = TimeSpan.FromSeconds(seconds);
            return double.IsFinite(seconds);
        }

        var parts = Part().Matches(text);
        if (parts.Count == 0 || string.Concat(parts.Select(part => part.Value)) != text)
        {
            return false;
        }

        foreach (Match part in parts)
        {
            var value = double.Parse(part.Groups["value"].Value, CultureInfo.InvariantCulture);
            duration += part.Groups["unit"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                _ => TimeSpan.FromHours(value),
            };
        }

        return true;
    }

    [GeneratedRegex(@"(?<value>\d+(\.\d+)?)(?<unit>ms|s|m|h)")]
    private static partial Regex Part();
}
