using System.Xml.Linq;
using FlashSale.Deployment.Tests.Support;

namespace FlashSale.Deployment.Tests;

/// <summary>Each service's code, image, skaffold artifact and chart entry describe the same thing.</summary>
public sealed class ImageAndAppIdTests
{
    public static TheoryData<string> Services => new(Repository.ServiceFolders);

    public static TheoryData<string> ImageProjects => new(Repository.ImageProjects.Keys.Order(StringComparer.Ordinal));

    private static readonly string Dockerfile = Repository.Read("services", "Dockerfile");

    [Fact]
    public void Every_web_project_is_in_the_chart_and_every_chart_service_is_a_project_that_ships_an_image()
    {
        var chartServices = Chart.App.DefaultValues["services"]!.AsObject().Select(pair => pair.Key).ToHashSet();
        var daprServices = Chart.App.DefaultValues["services"]!.AsObject()
            .Where(pair => (bool?)pair.Value!["dapr"]!["enabled"] == true).Select(pair => pair.Key).Order(StringComparer.Ordinal);
        var daprApps = Yaml.ParseFile("dapr.yaml")["apps"]!.AsArray().Select(app => (string)app!["appID"]!).Order(StringComparer.Ordinal);

        Assert.Superset(Repository.ServiceFolders.ToHashSet(), chartServices);
        Assert.Subset(Repository.ImageProjects.Keys.ToHashSet(), chartServices);
        Assert.Equal(daprServices, daprApps);
    }

    [Fact]
    public void One_dockerfile_builds_every_image_and_names_no_project()
    {
        var dockerfiles = Directory.EnumerateFiles(Repository.PathOf("services"), "Dockerfile*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(Repository.Root, file).Replace('\\', '/'));

        Assert.Equal(["services/Dockerfile"], dockerfiles);
        Assert.Matches(@"(?m)^ARG SERVICE\s*$", Dockerfile);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:[0-9.]+-[a-z]+-chiseled\b", Dockerfile);
        Assert.Matches(@"(?m)^USER \$APP_UID\s*$", Dockerfile);
        Assert.Matches(@"(?m)^ENTRYPOINT \[""/app/service""\]\s*$", Dockerfile);
        // Generic: no service folder or assembly is named, so a new project needs no edit here.
        Assert.All(Repository.ImageProjects.Keys, service =>
        {
            Assert.DoesNotContain($"services/{service}/", Dockerfile, StringComparison.Ordinal);
            Assert.DoesNotContain(Path.GetFileNameWithoutExtension(Repository.ProjectOf(service)), Dockerfile, StringComparison.Ordinal);
        });
        // Only the classic builder's instructions: the local engines this runs on have no BuildKit frontend to pull.
        Assert.DoesNotMatch(@"(?m)^\s*(RUN|COPY|ADD)\s+--(mount|link|parents)\b", Dockerfile);
        Assert.DoesNotMatch(@"(?m)^#\s*syntax=", Dockerfile);
    }

    [Theory]
    [MemberData(nameof(ImageProjects))]
    public void A_skaffold_artifact_builds_each_image_project_with_the_one_dockerfile(string service)
    {
        var artifact = Assert.Single(Skaffold.ArtifactsBuilding(service));

        Assert.Equal(".", (string?)artifact["context"]);
        Assert.Equal("services/Dockerfile", (string?)artifact["docker"]!["dockerfile"]);
        Assert.Equal($"flashsale/{service}", (string?)artifact["image"]);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void The_skaffold_artifact_builds_the_image_the_chart_deploys(string service)
    {
        var image = (string)Assert.Single(Skaffold.ArtifactsBuilding(service))["image"]!;
        var templates = Skaffold.Release(Chart.App.ReleaseName)["setValueTemplates"]!;
        var deployed = Chart.App.Render().Single("Deployment", service).Containers.Single(c => (string?)c["name"] == "app");

        Assert.Equal(image, (string?)Chart.App.DefaultValues["services"]![service]!["image"]!["repository"]);
        Assert.StartsWith($"{image}:", (string?)deployed["image"]);
        Assert.Equal($"{{{{.IMAGE_REPO_{Skaffold.TemplateKey(image)}}}}}", (string?)templates[$"services.{service}.image.repository"]);
        Assert.Equal($"{{{{.IMAGE_TAG_{Skaffold.TemplateKey(image)}}}}}", (string?)templates[$"services.{service}.image.tag"]);
    }

    [Theory]
    [MemberData(nameof(ImageProjects))]
    public void The_build_context_holds_everything_the_project_builds_from(string service)
    {
        // services/Dockerfile copies the context and builds the project's graph from it; .dockerignore lets through
        // services/ and the root files listed with '!', so every input must be one of those.
        var allowed = Repository.Read(".dockerignore").Split('\n').Select(line => line.Trim())
            .Where(line => line.StartsWith('!')).Select(line => line[1..].TrimEnd('/')).ToHashSet();

        Assert.Contains("services", allowed);
        foreach (var input in BuildInputs(Repository.ProjectOf(service)))
        {
            Assert.True(input.StartsWith("services/", StringComparison.Ordinal) || allowed.Contains(input),
                $"{service} builds from {input}, which .dockerignore keeps out of the build context");
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void A_service_that_serves_grpc_has_a_grpc_port_in_the_chart(string service)
    {
        // The image smoke test gives a Grpc.AspNetCore project an h2c endpoint; the chart must give it one too.
        var servesGrpc = Repository.Read(Path.GetRelativePath(Repository.Root, Repository.ProjectOf(service)))
            .Contains("Include=\"Grpc.AspNetCore\"", StringComparison.Ordinal);
        var ports = Chart.App.DefaultValues["services"]![service]!["ports"]!.AsObject();

        Assert.Equal(servesGrpc, ports.ContainsKey("grpc"));
    }

    [Fact]
    public void The_issuer_the_chart_gives_the_token_issuer_is_the_absolute_uri_it_requires()
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
    /// references (transitively) and files it includes from elsewhere (.proto, shared sources).</summary>
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

            foreach (var include in XDocument.Load(project).Descendants().Select(e => (string?)e.Attribute("Include")).OfType<string>()
                         .Select(include => include.Replace('\\', '/')).Where(include => include.StartsWith("../", StringComparison.Ordinal)))
            {
                var target = Path.GetFullPath(Path.Combine(folder, include));
                if (target.EndsWith(".csproj", StringComparison.Ordinal))
                {
                    pending.Enqueue(target);
                }
                else
                {
                    inputs.Add(Relative(Path.GetDirectoryName(target)!));
                }
            }
        }

        return inputs;
    }

    private static string Relative(string path) => Path.GetRelativePath(Repository.Root, path).Replace('\\', '/');
}
