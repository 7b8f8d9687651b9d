using FlashSale.Messaging;
using FlashSale.OrderQuery;
using FlashSale.OrderQuery.Api;
using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("order-query");
builder.AddGatewayUserAuthentication();
builder.AddOrderQuery();

var app = builder.Build();
app.UseServiceDefaults();
app.UseGatewayUserAuthentication();

app.MapEventSubscriptions();
app.MapOrdersEndpoints();
app.MapDashboardEndpoints();
app.MapStreamEndpoints();

app.Run();
