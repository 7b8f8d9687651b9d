using FlashSale.Identity.Domain;

namespace FlashSale.InProcessSystem;

/// <summary>
/// The accounts identity knows in this system: the demo users (alice, bob, admin) and pools of customers, so that
/// every scenario shops as people nobody else uses and parallel scenarios cannot see each other's orders. Passwords
/// follow the demo users' pattern, <c>&lt;name&gt;-demo-password</c>. Hashes use few PBKDF2 iterations: hundreds of
/// accounts are hashed at start-up and signed in during the flash sale, and hashing strength is not under test here.
/// </summary>
public sealed class Customers
{
    public const string Admin = "admin";
    public const int FlashSaleCrowd = 200;
    private const int ScenarioCustomers = 60;

    private int _handedOut;

    public static string PasswordOf(string userName) => $"{userName}-demo-password";

    public static string FlashSaleCustomer(int index) => $"crowd-{index:D3}";

    /// <summary>A customer no other scenario shops as.</summary>
    public string Next()
    {
        var index = Interlocked.Increment(ref _handedOut);
        return index <= ScenarioCustomers
            ? $"shopper-{index:D2}"
            : throw new InvalidOperationException($"only {ScenarioCustomers} scenario customers exist; raise {nameof(ScenarioCustomers)}");
    }

    /// <summary>Identity's <c>Identity:Users</c> settings for every account.</summary>
    public static IReadOnlyDictionary<string, string?> IdentitySettings()
    {
        var accounts = new List<(string Name, string Role)> { ("alice", "customer"), ("bob", "customer"), (Admin, "admin") };
        accounts.AddRange(Enumerable.Range(1, ScenarioCustomers).Select(i => ($"shopper-{i:D2}", "customer")));
        accounts.AddRange(Enumerable.Range(1, FlashSaleCrowd).Select(i => (FlashSaleCustomer(i), "customer")));
        return accounts
            .SelectMany(account => new Dictionary<string, string?>
            {
                [$"Identity:Users:{account.Name}:PasswordHash"] = PasswordHash.Create(PasswordOf(account.Name), iterations: 1_000).ToString(),
                [$"Identity:Users:{account.Name}:Roles:0"] = account.Role,
            })
            // Customers who sign up (loadgen's) get test-strength hashes too; only the Testing environment allows it.
            .Append(KeyValuePair.Create("Identity:PasswordHashIterations", (string?)"1000"))
            .ToDictionary();
    }
}
