using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("catalog");

var app = builder.Build();
app.UseServiceDefaults();
app.Run();
