using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using FlashSale.Catalog.Api;

namespace FlashSale.Catalog.Tests.Support;

/// <summary>Calls to the catalog's HTTP API as a test writes them, asserting only that the call itself succeeded.</summary>
public static class CatalogHttp
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static object NewProduct(string sku, decimal price = 100m, string name = "Test product") =>
        new { sku, name, description = "For tests", price, currency = "EUR" };

    /// <summary>Creates a product and returns it with its ETag.</summary>
    public static async Task<(ProductResponse Product, string ETag)> CreateProductAsync(this HttpClient admin, string sku, decimal price = 100m)
    {
        var response = await admin.PostAsJsonAsync("/products", NewProduct(sku, price), Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadAsync<ProductResponse>(), ETagOf(response));
    }

    public static async Task<(ProductResponse Product, string ETag)> GetProductAsync(this HttpClient client, string sku)
    {
        var response = await client.GetAsync($"/products/{sku}", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadAsync<ProductResponse>(), ETagOf(response));
    }

    /// <summary>Schedules a sale (If-Match: the product's current ETag) and returns the product's new ETag.</summary>
    public static async Task<string> ScheduleSaleAsync(
        this HttpClient admin, string sku, decimal salePrice, DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        var (_, etag) = await admin.GetProductAsync(sku);
        var response = await admin.SendAsync(Put($"/products/{sku}/sale", new { salePrice, startsAt, endsAt }, etag), Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ETagOf(response);
    }

    public static async Task<ProductListResponse> ListAsync(this HttpClient client, string query = "")
    {
        var response = await client.GetAsync($"/products{query}", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadAsync<ProductListResponse>();
    }

    public static HttpRequestMessage Put(string path, object body, string? ifMatch = null) =>
        WithIfMatch(new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) }, ifMatch);

    public static HttpRequestMessage Delete(string path, string? ifMatch = null) =>
        WithIfMatch(new HttpRequestMessage(HttpMethod.Delete, path), ifMatch);

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<T>(Json, Token) ?? throw new InvalidOperationException("empty body");

    public static string ETagOf(HttpResponseMessage response) =>
        response.Headers.ETag?.Tag ?? throw new InvalidOperationException($"{response.StatusCode} without an ETag");

    /// <summary>Asserts a problem+json answer with <paramref name="status"/>.</summary>
    public static void AssertProblem(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Asserts a 400 validation problem and returns the names of the fields it reports.</summary>
    public static async Task<IReadOnlyCollection<string>> ValidationErrorFieldsAsync(this HttpResponseMessage response)
    {
        response.AssertProblem(HttpStatusCode.BadRequest);
        var problem = await response.ReadAsync<Microsoft.AspNetCore.Http.HttpValidationProblemDetails>();
        return problem.Errors.Keys.Order().ToList();
    }

    private static HttpRequestMessage WithIfMatch(HttpRequestMessage request, string? ifMatch)
    {
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return request;
    }
}
