namespace Loyalty.Members.Programs;

internal enum ExpiryPolicy
{
    /// <summary>Points never expire.</summary>
    Never,

    /// <summary>Each lot expires <c>ExpiryMonths</c> after it was earned.</summary>
    RollingMonths,

    /// <summary>Each lot expires at the end of the calendar year after the one it was earned in (program time zone).</summary>
    EndOfFollowingYear,
}

internal enum BaseRateScope
{
    /// <summary>Points per line, each rounded down: a return takes back exactly what its lines earned.</summary>
    PerLine,

    /// <summary>Points on the transaction total, rounded down once.</summary>
    PerTransaction,
}

internal enum ReturnPolicy
{
    /// <summary>A return takes back what it earned even if the points were spent: the balance goes negative (a debt).</summary>
    AllowDebt,

    /// <summary>A return takes back at most the current balance; what was spent stays spent.</summary>
    CapAtBalance,
}
