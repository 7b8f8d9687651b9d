using FlashSale.LoadGen.Infrastructure;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>
/// A user's access token, signed in once and refreshed shortly before it expires (identity's tokens last 15 minutes;
/// signing in costs identity ~0.3-0.5 s of CPU, so it is done as rarely as possible).
/// </summary>
public sealed class SignedInUser
{
    private static readonly TimeSpan RefreshBeforeExpiry = TimeSpan.FromMinutes(1);
    private const int MaxSignInAttempts = 10;

    private readonly GatewayClient _gateway;
    private readonly Credentials _account;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    // Read by many buyers without the lock: one reference and one long, each read and written whole.
    private volatile string _token;
    private long _refreshAtTicks;

    private SignedInUser(GatewayClient gateway, Credentials account, TimeProvider clock, TokenAnswer token)
    {
        _gateway = gateway;
        _account = account;
        _clock = clock;
        Store(token);
    }

    public string UserName => _account.UserName;

    /// <summary>
    /// Signs in, waiting out 429s and transient failures. A refusal (wrong password) or, when
    /// <paramref name="failFastWhenUnreachable"/>, no answer at all, ends it at once with a one-line message.
    /// </summary>
    public static async Task<SignedInUser> SignInAsync(
        GatewayClient gateway, Credentials account, TimeProvider clock, CancellationToken cancellationToken, bool failFastWhenUnreachable = false) =>
        new(gateway, account, clock, await TokenOfAsync(gateway, account, clock, failFastWhenUnreachable, cancellationToken));

    /// <summary>A valid token, signing in again first when the current one is about to expire or was refused.</summary>
    public async ValueTask<string> TokenAsync(CancellationToken cancellationToken)
    {
        if (!IsDue())
        {
            return _token;
        }

        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (IsDue())
            {
                Store(await TokenOfAsync(_gateway, _account, _clock, failFastWhenUnreachable: false, cancellationToken));
            }

            return _token;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>The gateway refused <paramref name="token"/> (401): the next <see cref="TokenAsync"/> signs in again.</summary>
    public void Refused(string token)
    {
        if (ReferenceEquals(token, _token))
        {
            Volatile.Write(ref _refreshAtTicks, 0);
        }
    }

    private bool IsDue() => _clock.GetUtcNow().UtcTicks >= Volatile.Read(ref _refreshAtTicks);

    /// <summary>Keeps the token and when to refresh it: a minute before it expires, or half-way through a short lifetime.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_token))]
    private void Store(TokenAnswer answer)
    {
        var lifetime = TimeSpan.FromSeconds(answer.ExpiresIn);
        var refreshAfter = lifetime > 2 * RefreshBeforeExpiry ? lifetime - RefreshBeforeExpiry : lifetime / 2;
        _token = answer.AccessToken;
        Volatile.Write(ref _refreshAtTicks, (_clock.GetUtcNow() + refreshAfter).UtcTicks);
    }

    private static async Task<TokenAnswer> TokenOfAsync(
        GatewayClient gateway, Credentials account, TimeProvider clock, bool failFastWhenUnreachable, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var answer = await gateway.SignInAsync(account, cancellationToken);
            if (answer is { Succeeded: true, Value: { } token })
            {
                return token;
            }

            if (answer.Status == 0 && failFastWhenUnreachable)
            {
                throw new GatewayUnreachableException($"cannot reach the gateway at {gateway.Address}: {answer.Failure}");
            }

            var transient = answer.Status is 0 or 429 or >= 500;
            if (!transient || attempt == MaxSignInAttempts)
            {
                throw new SetupFailedException($"signing in as {account.UserName} failed: {answer.Describe()}");
            }

            await Task.Delay(answer.RetryAfter ?? TimeSpan.FromSeconds(1), clock, cancellationToken);
        }
    }
}
