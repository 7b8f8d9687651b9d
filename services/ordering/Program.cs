using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("ordering");

var app = builder.Build();
app.UseServiceDefaults();
app.Run();
