namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>
/// Scenarios that act on the whole system: they switch the stand-in's faults on, stop a service, slow the payment
/// provider down, fire every due reminder or load the machine. They run one at a time, after the scenarios that can
/// share the system, and each starts by waiting until the system has settled.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SystemWideScenarios
{
    public const string Name = "System-wide scenarios";
}
