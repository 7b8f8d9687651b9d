using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("payment");

var app = builder.Build();
app.UseServiceDefaults();
app.Run();
