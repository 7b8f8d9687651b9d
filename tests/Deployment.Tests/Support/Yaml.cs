using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FlashSale.Deployment.Tests.Support;

/// <summary>
/// YAML to JSON the way Kubernetes tooling reads it: plain scalars resolve to null, booleans and numbers (YAML 1.2 core
/// schema), quoted scalars stay strings, mapping keys are strings. Multi-document streams give one node per document;
/// documents that hold only comments are dropped.
/// </summary>
public static partial class Yaml
{
    public static IReadOnlyList<JsonNode> ParseAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents
            .Select(document => ToJson(document.RootNode))
            .OfType<JsonNode>()
            .ToList();
    }

    public static JsonNode Parse(string text) =>
        ParseAll(text) is [var single] ? single : throw new InvalidOperationException("expected exactly one YAML document");

    public static JsonObject ParseFile(params string[] repositoryPath) =>
        Parse(Repository.Read(repositoryPath)).AsObject();

    /// <summary>Helm's merge of values files: maps merge key by key, anything else (lists too) is replaced.</summary>
    public static JsonObject Merge(JsonObject under, JsonObject over)
    {
        var merged = under.DeepClone().AsObject();
        foreach (var (key, value) in over)
        {
            merged[key] = merged[key] is JsonObject existing && value is JsonObject overriding
                ? Merge(existing, overriding)
                : value?.DeepClone();
        }

        return merged;
    }

    /// <summary>The node at a dotted path (a.b.c), or null.</summary>
    public static JsonNode? At(JsonNode? node, string dottedPath) =>
        dottedPath.Split('.').Aggregate(node, (current, key) => current is JsonObject obj ? obj[key] : null);

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ToObject(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => ToValue(scalar),
        _ => throw new NotSupportedException($"YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonObject ToObject(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? "";
            if (!result.TryAdd(name, ToJson(value)))
            {
                throw new InvalidOperationException($"duplicate key '{name}' at {key.Start}");
            }
        }

        return result;
    }

    private static JsonNode? ToValue(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is "tag:yaml.org,2002:str" || scalar.Style is not ScalarStyle.Plain && tag is null)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(bool.Parse(text));
        }

        // Numbers become JSON numbers (not CLR-typed values), so readers may take them as int, long or double.
        if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonNode.Parse(integer.ToString(CultureInfo.InvariantCulture));
        }

        if (Float().IsMatch(text))
        {
            return JsonNode.Parse(double.Parse(text, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
