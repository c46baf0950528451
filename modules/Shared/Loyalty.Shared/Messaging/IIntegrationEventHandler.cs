using System.Diagnostics.CodeAnalysis;
using Loyalty.Shared.Contracts;

namespace Loyalty.Shared.Messaging;

/// <summary>
/// Handles another module's integration event. The dispatcher opens a transaction on the handler's module DbContext,
/// skips events this handler has seen (inbox), calls the handler and records the event, all in that transaction.
/// A handler therefore uses the module DbContext it is given by DI and never begins a transaction of its own.
/// </summary>
[SuppressMessage("Naming", "CA1711", Justification = "Not a .NET event handler delegate; the name is the pattern's own.")]
public interface IIntegrationEventHandler<in TEvent>
    where TEvent : IntegrationEvent
{
    Task HandleAsync(TEvent integrationEvent, CancellationToken cancellationToken);
}
