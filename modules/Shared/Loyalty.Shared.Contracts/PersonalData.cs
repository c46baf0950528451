using System.Text.Json;

namespace Loyalty.Shared.Contracts;

/// <summary>
/// How one module exports and erases the personal data it holds of a member (GDPR Art. 15, 17, 20). Every module that
/// stores personal data registers one (<c>services.AddScoped&lt;IPersonalDataProvider, …&gt;()</c>); data subject
/// requests ask all of them. A member is named by their Members id, the key every module keeps its data under.
/// </summary>
public interface IPersonalDataProvider
{
    /// <summary>The module's name, as in its schema (<c>members</c>): the section of an export and the line of a report.</summary>
    string Module { get; }

    /// <summary>What the module holds, why and for how long, for the record of processing activities (Art. 30).</summary>
    PersonalDataDescription Description { get; }

    /// <summary>
    /// Writes everything the module holds of the member as one JSON object, streaming: long histories are written as
    /// they are read, never loaded whole. Writes an empty object when the module has nothing of the member.
    /// </summary>
    Task ExportAsync(Guid memberId, Utf8JsonWriter writer, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes or pseudonymises the member's personal data in one transaction of the module's own, and says what it
    /// kept and why. Idempotent: erasing an erased member changes nothing and reports the same.
    /// </summary>
    Task<ErasureReport> EraseAsync(Guid memberId, CancellationToken cancellationToken);
}

/// <param name="Categories">Kinds of personal data held, such as <c>contact details</c> or <c>purchase history</c>.</param>
/// <param name="Purposes">What they are used for.</param>
/// <param name="Retention">How long they are kept, in words (<c>until erasure; amounts 10 years, pseudonymised</c>).</param>
public sealed record PersonalDataDescription(IReadOnlyList<string> Categories, IReadOnlyList<string> Purposes, string Retention);

/// <param name="Erased">What was deleted or pseudonymised, in words.</param>
/// <param name="Retained">What was kept on purpose, each with its legal basis.</param>
public sealed record ErasureReport(string Module, IReadOnlyList<string> Erased, IReadOnlyList<RetainedData> Retained);

/// <param name="LegalBasis">Why it may be kept, such as <c>Art. 17(3)(b): accounting records, HGB § 257</c>.</param>
public sealed record RetainedData(string What, string LegalBasis);
