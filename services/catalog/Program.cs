using FlashSale.Catalog;
using FlashSale.Catalog.Api;
using FlashSale.Catalog.Pricing;
using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("catalog");
builder.AddGatewayUserAuthentication();
builder.AddCatalog();

var app = builder.Build();
app.UseServiceDefaults();
// Explicitly after the defaults (not implicitly first), so their status-code pages give 401 and 403 a problem body.
app.UseAuthentication();
app.UseAuthorization();
app.MapProductsApi();
app.MapSalesApi();
app.MapGrpcService<PricingService>();
app.Run();
