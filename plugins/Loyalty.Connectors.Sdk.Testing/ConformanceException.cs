namespace Loyalty.Connectors.Sdk.Testing;

/// <summary>A step of the conformance run found the connector breaking the contract.</summary>
public sealed class ConformanceException : Exception
{
    public ConformanceException(string step, string message) : base($"{step}: {message}") => Step = step;

    public ConformanceException()
    {
        Step = "";
    }

    public ConformanceException(string message) : base(message)
    {
        Step = "";
    }

    public ConformanceException(string message, Exception innerException) : base(message, innerException)
    {
        Step = "";
    }

    public string Step { get; }
}
