using YamlDotNet.RepresentationModel;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>Reading values out of a YAML document's nodes (Dapr components, Helm values).</summary>
internal static class YamlLookup
{
    public static T? Child<T>(YamlMappingNode node, string key) where T : YamlNode =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as T : null;

    public static string? Scalar(YamlMappingNode node, string key) => Child<YamlScalarNode>(node, key)?.Value;

    public static YamlMappingNode LoadMapping(string path)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            yaml.Load(reader);
        }

        return yaml.Documents is [{ RootNode: YamlMappingNode root }]
            ? root
            : throw new InvalidDataException($"{path}: expected one YAML document holding a mapping");
    }
}
