using Spectre.Console;
using Spectre.Console.Rendering;

namespace CareLedger.Cli;

/// <summary>Styled text that is never wrapped at the console's width: a message must stay one line in a log.</summary>
public sealed class OneLine(string text, Style style) : Renderable
{
    protected override Measurement Measure(RenderOptions options, int maxWidth) => new(text.Length, text.Length);

    protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth) => [new Segment(text, style), Segment.LineBreak];
}
