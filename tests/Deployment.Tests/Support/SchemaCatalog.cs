using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace FlashSale.Deployment.Tests.Support;

/// <summary>
/// Validates documents against the offline schemas (../shared/k8s-schemas or $K8S_SCHEMAS_DIR) as strictly as
/// kubeconform --strict: Kubernetes kinds against definitions-strict.json (via gvk-index.json), custom resources against
/// crds-catalog/&lt;group&gt;/&lt;kind&gt;_&lt;version&gt;.json with their metadata checked as a real ObjectMeta. Unknown fields fail
/// except inside `x-kubernetes-preserve-unknown-fields` objects; a kind without a schema fails too. Draft-07 throughout.
/// </summary>
public sealed class SchemaCatalog
{
    private const string DefinitionsUri = "https://flashsale.schemas.local/kubernetes-1.34/definitions-strict.json";
    private const string ObjectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private const int MaxErrorsPerDocument = 15;

    private static readonly Lazy<SchemaCatalog?> Shared = new(() =>
        Directory.Exists(Repository.SchemasDirectory) ? new SchemaCatalog(Repository.SchemasDirectory) : null);

    private readonly string _root;
    private readonly BuildOptions _options;
    private readonly IReadOnlyDictionary<string, string> _kubernetesKinds;
    private readonly ConcurrentDictionary<string, JsonSchema?> _schemas = new();
    private readonly Lock _lock = new();

    private SchemaCatalog(string root)
    {
        _root = root;
        _options = new BuildOptions { Dialect = Dialect.Draft07, SchemaRegistry = new SchemaRegistry() };
        _kubernetesKinds = JsonSerializer.Deserialize<Dictionary<string, string>>(
            File.ReadAllText(Path.Combine(root, "kubernetes-1.34", "gvk-index.json")))!;

        var definitions = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "kubernetes-1.34", "definitions-strict.json")))!.AsObject();
        definitions.Remove("$schema");
        // Registered under this address in the catalog's own registry; each kind's schema is a $ref into it.
        JsonSchema.FromText(definitions.ToJsonString(), _options, new Uri(DefinitionsUri));
    }

    /// <summary>The catalog, or a skipped test (with the reason) when the schema folder is absent.</summary>
    public static SchemaCatalog Require()
    {
        Assert.SkipWhen(Shared.Value is null,
            $"Kubernetes schemas not found at {Repository.SchemasDirectory} (set K8S_SCHEMAS_DIR); schema validation skipped");
        return Shared.Value!;
    }

    /// <summary>Errors of one Kubernetes document (empty when it is valid).</summary>
    public IReadOnlyList<string> Validate(JsonObject document)
    {
        var apiVersion = (string?)document["apiVersion"];
        var kind = (string?)document["kind"];
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            return ["apiVersion and kind are required"];
        }

        if (_kubernetesKinds.TryGetValue($"{apiVersion}/{kind}", out var definition))
        {
            return Evaluate(Kubernetes(definition), document);
        }

        var (group, version) = apiVersion.Split('/') is [var g, var v] ? (g, v) : ("", apiVersion);
        var crd = Path.Combine("crds-catalog", group, $"{kind.ToLowerInvariant()}_{version}.json");
        if (!File.Exists(Path.Combine(_root, crd)) && !File.Exists(Path.Combine(Supplement, crd)))
        {
            return [$"no schema for {apiVersion} {kind} (neither in kubernetes-1.34/gvk-index.json nor {crd})"];
        }

        return
        [
            .. Evaluate(CustomResource(crd), document),
            .. Evaluate(Kubernetes(ObjectMeta), document["metadata"]).Select(error => $"/metadata{error}"),
        ];
    }

    /// <summary>Errors of a whole file against a schema of the folder (compose, skaffold, kind).</summary>
    public IReadOnlyList<string> ValidateAgainst(string schemaPath, JsonNode document) =>
        Evaluate(FileSchema(schemaPath), document);

    public bool HasSchema(string schemaPath) => File.Exists(Path.Combine(_root, schemaPath));

    private JsonSchema Kubernetes(string definition) => Build($"k8s:{definition}",
        () => new JsonObject { ["$ref"] = $"{DefinitionsUri}#/definitions/{definition}" });

    private JsonSchema FileSchema(string schemaPath) => Build(schemaPath, () =>
    {
        var schema = Load(schemaPath);
        schema.Remove("$id");   // nothing refers to it, and each build gets its own base address
        return schema;
    });

    private JsonSchema CustomResource(string schemaPath) => Build(schemaPath, () =>
    {
        var schema = Load(schemaPath);
        // The catalog's CRD schemas are strict below the root; make the root strict too (a misspelt `spc:` fails).
        // Some declare only spec/status at the root: the type fields are always allowed (metadata is checked apart).
        var properties = (schema["properties"] ??= new JsonObject()).AsObject();
        properties["apiVersion"] ??= new JsonObject { ["type"] = "string" };
        properties["kind"] ??= new JsonObject { ["type"] = "string" };
        properties["metadata"] ??= new JsonObject { ["type"] = "object" };
        schema["additionalProperties"] ??= false;
        KeepPreservedObjectsOpen(schema);
        return schema;
    });

    /// <summary>Schemas from the same official sources that the shared catalog lacks (Schemas/SOURCE.txt).</summary>
    private static string Supplement => Repository.PathOf("tests", "Deployment.Tests", "Schemas");

    private JsonObject Load(string schemaPath)
    {
        var file = File.Exists(Path.Combine(_root, schemaPath)) ? Path.Combine(_root, schemaPath) : Path.Combine(Supplement, schemaPath);
        var schema = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        schema.Remove("$schema");   // the dialect is fixed to draft-07 (some files name it without the trailing '#')
        return schema;
    }

    private JsonSchema Build(string key, Func<JsonObject> schema)
    {
        lock (_lock)
        {
            return _schemas.GetOrAdd(key, _ => JsonSchema.FromText(schema().ToJsonString(), _options))!;
        }
    }

    private IReadOnlyList<string> Evaluate(JsonSchema schema, JsonNode? instance)
    {
        var element = JsonSerializer.SerializeToElement(instance);
        EvaluationResults results;
        lock (_lock)
        {
            results = schema.Evaluate(element, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        }

        if (results.IsValid)
        {
            return [];
        }

        var errors = Failures(results).Distinct().ToList();
        return errors.Count == 0 ? ["invalid (no detail reported)"]
            : errors.Count > MaxErrorsPerDocument ? [.. errors.Take(MaxErrorsPerDocument), $"... {errors.Count - MaxErrorsPerDocument} more"]
            : errors;
    }

    /// <summary>Errors of the failed nodes only: a passing oneOf/anyOf keeps its losing branches' errors to itself.</summary>
    private static IEnumerable<string> Failures(EvaluationResults node)
    {
        if (node.IsValid)
        {
            yield break;
        }

        foreach (var error in node.Errors ?? new Dictionary<string, string>())
        {
            yield return Describe(node, error.Value);
        }

        foreach (var failure in (node.Details ?? []).SelectMany(Failures))
        {
            yield return failure;
        }
    }

    private static string Describe(EvaluationResults detail, string message)
    {
        var at = detail.InstanceLocation.ToString();
        return detail.EvaluationPath.ToString().EndsWith("/additionalProperties", StringComparison.Ordinal)
            ? $"{at}: unknown field"
            : $"{at}: {message}";
    }

    /// <summary>An object marked x-kubernetes-preserve-unknown-fields accepts any field, even where the catalog also says
    /// additionalProperties: false (the API server honours the marker).</summary>
    private static void KeepPreservedObjectsOpen(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject schema:
                if (schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true
                    && schema["additionalProperties"] is JsonValue closed && closed.GetValue<bool>() == false)
                {
                    schema.Remove("additionalProperties");
                }

                foreach (var (_, child) in schema.ToList())
                {
                    KeepPreservedObjectsOpen(child);
                }

                break;
            case JsonArray items:
                foreach (var child in items)
                {
                    KeepPreservedObjectsOpen(child);
                }

                break;
        }
    }
}
