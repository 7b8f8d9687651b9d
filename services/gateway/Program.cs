using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("gateway");

var app = builder.Build();
app.UseServiceDefaults();
app.Run();
