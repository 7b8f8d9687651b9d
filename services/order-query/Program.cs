using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("order-query");

var app = builder.Build();
app.UseServiceDefaults();
app.Run();
