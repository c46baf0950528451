using System.Security.Cryptography;

namespace Loyalty.Campaigns.Sends;

/// <summary>
/// The hold-out control group: a member is in it when a hash of the campaign and the member falls in the campaign's
/// share. Deterministic, so a send that restarts (or the next occurrence of the same recurring campaign) chooses the
/// same members; independent of the member id's order, so the share is spread evenly over the audience.
/// </summary>
internal static class HoldOut
{
    public static bool IsHeldOut(Guid campaignId, Guid memberId, int percent)
    {
        if (percent <= 0)
        {
            return false;
        }

        Span<byte> input = stackalloc byte[32];
        campaignId.TryWriteBytes(input[..16]);
        memberId.TryWriteBytes(input[16..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return BitConverter.ToUInt32(hash[..4]) % 10_000 < percent * 100;
    }

    public const string Reason = "In the campaign's hold-out control group: not sent, for comparison.";
}
