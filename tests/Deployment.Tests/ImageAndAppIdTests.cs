using System.Text.RegularExpressions;
using System.Xml.Linq;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>Each service's code, image, skaffold artifact and chart entry describe the same thing.</summary>
public sealed class ImageAndAppIdTests
{
    public static TheoryData<string> Services => new(Repository.ServiceFolders);

    [Fact]
    public void The_chart_skaffold_and_dapr_run_file_list_exactly_the_service_projects()
    {
        var chartServices = Chart.App.DefaultValues["services"]!.AsObject().Select(pair => pair.Key).Order(StringComparer.Ordinal);
        var artifacts = Skaffold.Artifacts().Select(a => (string)a["docker"]!["dockerfile"]!).Order(StringComparer.Ordinal);
        var daprApps = Yaml.ParseFile("dapr.yaml")["apps"]!.AsArray().Select(app => (string)app!["appID"]!).Order(StringComparer.Ordinal);

        Assert.Equal(Repository.ServiceFolders, chartServices);
        Assert.Equal(Repository.ServiceFolders.Select(s => $"services/{s}/Dockerfile"), artifacts);
        Assert.Equal(Repository.ServiceFolders, daprApps);
    }

    [Fact]
    public void The_issuer_the_chart_gives_identity_is_the_absolute_uri_identity_requires()
    {
        var identity = Chart.App.Render().Single("Deployment", "identity").Containers.Single(c => (string?)c["name"] == "app");
        var issuer = identity["env"]!.AsArray().Single(e => (string?)e!["name"] == "Identity__Issuer")!["value"]!.GetValue<string>();

        Assert.True(Uri.TryCreate(issuer, UriKind.Absolute, out _), $"identity refuses to start with issuer '{issuer}': not an absolute URI");
    }

    [Fact]
    public void The_chart_deploys_the_same_demo_users_as_identity_runs_with_in_development()
    {
        static System.Text.Json.Nodes.JsonNode? Users(string json) => System.Text.Json.Nodes.JsonNode.Parse(json,
            documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })?["Identity"]?["Users"];

        var identity = Users(Repository.Read("services", "identity", "demo-users.json"));
        var chart = Users(Repository.Read("charts", "flashsale", "files", "demo-users.json"));

        Assert.NotNull(identity);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(identity, chart), "charts/flashsale/files/demo-users.json differs from services/identity/demo-users.json");
        var secret = Chart.App.Render().Single("Secret", "identity-demo-users");
        Assert.Equal((string?)identity["alice"]!["PasswordHash"], (string?)secret.Document["stringData"]!["Identity__Users__alice__PasswordHash"]);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void The_skaffold_artifact_builds_the_image_the_chart_deploys(string service)
    {
        Assert.True(File.Exists(Repository.PathOf("services", service, "Dockerfile")), $"services/{service} has no Dockerfile");
        var artifact = Skaffold.Artifacts().Single(a => (string?)a["docker"]?["dockerfile"] == $"services/{service}/Dockerfile");
        var image = (string)artifact["image"]!;
        var templates = Skaffold.Release(Chart.App.ReleaseName)["setValueTemplates"]!;
        var deployed = Chart.App.Render().Single("Deployment", service).Containers.Single(c => (string?)c["name"] == "app");

        Assert.Equal(".", (string?)artifact["context"]);
        Assert.Equal(image, (string?)Chart.App.DefaultValues["services"]![service]!["image"]!["repository"]);
        Assert.StartsWith($"{image}:", (string?)deployed["image"]);
        Assert.Equal($"{{{{.IMAGE_REPO_{Skaffold.TemplateKey(image)}}}}}", (string?)templates[$"services.{service}.image.repository"]);
        Assert.Equal($"{{{{.IMAGE_TAG_{Skaffold.TemplateKey(image)}}}}}", (string?)templates[$"services.{service}.image.tag"]);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void The_dockerfile_copies_everything_the_project_builds_from(string service)
    {
        var dockerfile = Repository.Read("services", service, "Dockerfile");
        var project = Directory.EnumerateFiles(Repository.PathOf("services", service), "*.csproj").Single();
        var copied = CopiedSources(dockerfile);

        foreach (var input in BuildInputs(project))
        {
            Assert.True(copied.Any(source => input == source || input.StartsWith(source + "/", StringComparison.Ordinal)),
                $"services/{service}/Dockerfile does not COPY {input}, which the build needs");
        }

        Assert.Contains($"\"{Path.GetFileNameWithoutExtension(project)}.dll\"", dockerfile, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:[0-9.]+-[a-z]+-chiseled\b", dockerfile);
        Assert.Matches(@"(?m)^USER \$APP_UID\s*$", dockerfile);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void The_dockerfile_exposes_the_ports_the_chart_uses(string service)
    {
        var exposed = Regex.Match(Repository.Read("services", service, "Dockerfile"), @"(?m)^EXPOSE (?<ports>.+)$")
            .Groups["ports"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();
        var ports = Chart.App.DefaultValues["services"]![service]!["ports"]!.AsObject().Select(p => (int)p.Value!).ToHashSet();

        Assert.Equal(ports, exposed);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Dapr_app_ids_in_the_chart_equal_the_id_the_code_uses(string service)
    {
        var appId = ServiceSources.AppId(service);
        var annotations = Chart.App.Render().Single("Deployment", service).PodAnnotations;
        var daprApp = Yaml.ParseFile("dapr.yaml")["apps"]!.AsArray().Single(app => (string?)app!["appDirPath"] == $"./services/{service}/");

        Assert.Equal(service, appId);
        Assert.Equal(appId, annotations["dapr.io/app-id"]);
        Assert.Equal(appId, (string?)daprApp!["appID"]);
    }

    /// <summary>Paths (relative to the repository) a project needs: root build files, its own folder, every project it
    /// references (transitively) and .proto files it compiles from elsewhere.</summary>
    private static IEnumerable<string> BuildInputs(string projectPath)
    {
        var inputs = new SortedSet<string>(StringComparer.Ordinal) { "global.json", "Directory.Build.props", "Directory.Packages.props" };
        var pending = new Queue<string>([Path.GetFullPath(projectPath)]);
        while (pending.TryDequeue(out var project))
        {
            var folder = Path.GetDirectoryName(project)!;
            if (!inputs.Add(Relative(folder)))
            {
                continue;
            }

            var xml = XDocument.Load(project);
            foreach (var include in xml.Descendants("ProjectReference").Select(e => (string?)e.Attribute("Include")).OfType<string>())
            {
                pending.Enqueue(Path.GetFullPath(Path.Combine(folder, include.Replace('\\', '/'))));
            }

            foreach (var proto in xml.Descendants("Protobuf").Select(e => (string?)e.Attribute("Include")).OfType<string>())
            {
                inputs.Add(Relative(Path.GetDirectoryName(Path.GetFullPath(Path.Combine(folder, proto.Replace('\\', '/'))))!));
            }
        }

        return inputs;
    }

    private static string Relative(string path) => Path.GetRelativePath(Repository.Root, path).Replace('\\', '/');

    /// <summary>Build-context paths of the COPY instructions (every argument but the destination; not COPY --from).</summary>
    private static HashSet<string> CopiedSources(string dockerfile) => dockerfile
        .Split('\n')
        .Select(line => line.Trim())
        .Where(line => line.StartsWith("COPY ", StringComparison.Ordinal) && !line.Contains("--from", StringComparison.Ordinal))
        .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
        .Select(source => source.TrimEnd('/'))
        .ToHashSet();
}
