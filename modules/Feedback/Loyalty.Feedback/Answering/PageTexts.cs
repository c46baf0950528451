using System.Globalization;
using System.Resources;

namespace Loyalty.Feedback.Answering;

/// <summary>
/// The answer page's own texts (buttons, hints, errors, messages) in the page's language, from
/// <c>PageTexts.resx</c> (English) and <c>PageTexts.{culture}.resx</c>. A language without a file falls back to
/// its parent and then to English, as resources do.
/// </summary>
internal sealed class PageTexts
{
    private static readonly ResourceManager Resources = new(typeof(PageTexts));

    private readonly CultureInfo culture;

    public PageTexts(string locale) => culture = CultureOf(locale);

    public string this[string name] => Resources.GetString(name, culture) ?? throw new InvalidOperationException($"The page text {name} is missing.");

    public string Format(string name, params object[] values) => string.Format(culture, this[name], values);

    private static CultureInfo CultureOf(string locale)
    {
        try
        {
            return CultureInfo.GetCultureInfo(locale);
        }
        catch (ArgumentException)
        {
            return CultureInfo.InvariantCulture;
        }
    }
}
