using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("inventory");

var app = builder.Build();
app.UseServiceDefaults();
app.Run();
