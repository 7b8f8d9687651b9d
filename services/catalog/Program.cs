using FlashSale.Catalog;
using FlashSale.Catalog.Api;
using FlashSale.Catalog.Api.Pricing;
using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("catalog");
builder.AddGatewayUserAuthentication();
builder.AddCatalog();

var app = builder.Build();
app.UseServiceDefaults();
app.UseGatewayUserAuthentication();
app.MapProductsEndpoints();
app.MapSalesEndpoints();
app.MapGrpcService<PricingService>();
app.Run();
