namespace FlashSale.LoadGen.Application;

/// <summary>The run could not start (the sale or its customers could not be prepared). The message is one line for a person.</summary>
public class SetupFailedException(string message) : Exception(message);

/// <summary>No answer at all from the gateway.</summary>
public sealed class GatewayUnreachableException(string message) : SetupFailedException(message);
