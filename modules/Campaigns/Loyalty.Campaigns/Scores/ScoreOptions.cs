namespace Loyalty.Campaigns.Scores;

/// <summary>The <c>Modules:Campaigns:Scores</c> configuration section: how much history the churn model needs.</summary>
internal sealed class ScoreOptions
{
    public const string Section = "Modules:Campaigns:Scores";

    /// <summary>The training and the validation set each need this many members, or the heuristic is used.</summary>
    public int MinimumMembers { get; set; } = 200;

    /// <summary>… and this many members of each outcome (lapsed, bought again) in each set.</summary>
    public int MinimumPerOutcome { get; set; } = 20;
}
