using FlashSale.LoadGen.Infrastructure;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>
/// The signed-in customers buyers shop as, prepared before the timed phase: arrival <c>k</c> shops as customer
/// <c>k mod N</c>. Customers loadgen generates are signed up first; one that exists already (409, a rerun) is
/// signed in with the password derived for it.
/// </summary>
public sealed class CustomerPool
{
    private readonly IReadOnlyList<SignedInUser> _customers;
    private long _next = -1;

    private CustomerPool(IReadOnlyList<SignedInUser> customers, int signedUp, int reused)
    {
        _customers = customers;
        SignedUp = signedUp;
        Reused = reused;
    }

    public int Count => _customers.Count;

    /// <summary>Customers created by this run (201 from sign-up).</summary>
    public int SignedUp { get; }

    /// <summary>Customers that existed already and were signed in.</summary>
    public int Reused { get; }

    public SignedInUser ForArrival(long arrival) => _customers[(int)(arrival % _customers.Count)];

    /// <summary>The customers in turn, for closed-loop workloads.</summary>
    public SignedInUser Next() => ForArrival(Interlocked.Increment(ref _next));

    /// <summary>
    /// Signs every customer in (signing up the generated ones first, as <paramref name="admin"/> when given, so the
    /// gateway's per-client sign-up limit does not apply), <paramref name="parallelism"/> at a time;
    /// <paramref name="prepared"/> hears how many are ready.
    /// </summary>
    public static async Task<CustomerPool> PrepareAsync(
        GatewayClient gateway, CustomerSource source, SignedInUser? admin, int parallelism, TimeProvider clock, Action<int>? prepared,
        CancellationToken cancellationToken)
    {
        var (accounts, signUp) = source switch
        {
            CustomerSource.Existing existing => (existing.Accounts, false),
            CustomerSource.SignedUp generated => (generated.Customers.All().ToList(), true),
            _ => throw new ArgumentOutOfRangeException(nameof(source)),
        };
        if (accounts.Count == 0)
        {
            throw new SetupFailedException("no customers to shop as");
        }

        var customers = new SignedInUser[accounts.Count];
        var created = 0;
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, accounts.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var account = accounts[index];
                if (signUp && await SignUpAsync(gateway, account, admin, clock, token))
                {
                    Interlocked.Increment(ref created);
                }

                customers[index] = await SignInAsync(gateway, account, clock, signUp, token);
                prepared?.Invoke(Interlocked.Increment(ref done));
            });
        return new CustomerPool(customers, created, customers.Length - created);
    }

    /// <summary>True when the customer was created; false when it exists already, or sign-up does not exist on this gateway.</summary>
    private static async Task<bool> SignUpAsync(
        GatewayClient gateway, Credentials account, SignedInUser? admin, TimeProvider clock, CancellationToken cancellationToken)
    {
        while (true)
        {
            var adminToken = admin is null ? null : await admin.TokenAsync(cancellationToken);
            var answer = await gateway.RegisterAsync(account, adminToken, cancellationToken);
            switch (answer.Status)
            {
                case 201 or 200:
                    return true;
                case 409 or 404 or 405:
                    return false;
                case 429 or 503:
                    await Task.Delay(answer.RetryAfter ?? TimeSpan.FromSeconds(1), clock, cancellationToken);
                    break;
                default:
                    throw new SetupFailedException($"signing up {account.UserName} failed: {answer.Describe()}");
            }
        }
    }

    private static async Task<SignedInUser> SignInAsync(
        GatewayClient gateway, Credentials account, TimeProvider clock, bool generated, CancellationToken cancellationToken)
    {
        try
        {
            return await SignedInUser.SignInAsync(gateway, account, clock, cancellationToken);
        }
        catch (SetupFailedException ex) when (generated && ex is not GatewayUnreachableException)
        {
            throw new SetupFailedException(
                $"{ex.Message.TrimEnd('.')}. If sign-up is not available on this gateway, pass existing customers with --customers FILE; if "
                + "the customer was created by an earlier run, use that run's --customer-secret or another --customer-prefix");
        }
    }
}
