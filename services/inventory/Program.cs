using FlashSale.Inventory;
using FlashSale.Inventory.Api;
using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("inventory");
builder.AddGatewayUserAuthentication();
builder.AddInventory();

var app = builder.Build();
app.UseServiceDefaults();
app.UseGatewayUserAuthentication();
app.MapActorsHandlers();
app.MapStockEndpoints();
app.Run();
