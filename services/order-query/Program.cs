using FlashSale.OrderQuery;
using FlashSale.OrderQuery.Api;
using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("order-query");
builder.AddGatewayUserAuthentication();
builder.AddOrderViews();

var app = builder.Build();
app.UseServiceDefaults();
app.UseGatewayUserAuthentication();

app.MapSubscribeHandler();
app.MapOrderViewEvents();
app.MapOrdersApi();
app.MapDashboardApi();

app.Run();
