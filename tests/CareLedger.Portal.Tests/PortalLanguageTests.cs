using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>The portal in English and Spanish: chosen by the browser's language or by the person, kept across reloads.</summary>
[Collection(PortalCollection.Name)]
public sealed partial class PortalLanguageTests(BrowserFixture fx)
{
    [Fact]
    public async Task APatientSwitchesToSpanish_ThePortalSpeaksSpanishAfterTheReload_AndTheyStaySignedIn()
    {
        await using var context = await fx.Browser.NewContextAsync(new() { Locale = "en-US" });
        var page = await SignInAsDemoAsync(fx, context, "Sam Jones");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "My records", Exact = true })).ToBeVisibleAsync();

        await page.GetByLabel("Language").SelectOptionAsync("es");

        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Mis registros", Exact = true })).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("Sam Jones (paciente)");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cerrar sesión" })).ToBeVisibleAsync();

        // The choice is this browser's: a new page opens in Spanish too, and switching back gives English.
        var again = await context.NewPageAsync();
        await again.GotoAsync(new Uri(fx.Node.BaseAddress, "portal/").ToString());
        await again.GetByLabel("Idioma").SelectOptionAsync("en", new() { Timeout = Slow });
        await Assertions.Expect(again.GetByRole(AriaRole.Link, new() { Name = "My records", Exact = true })).ToBeVisibleAsync(new() { Timeout = Slow });
    }

    [Fact]
    public async Task ABrowserSetToMexicanSpanish_OpensThePortalInSpanish_WithoutChoosing()
    {
        await using var context = await fx.Browser.NewContextAsync(new() { Locale = "es-MX" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(fx.Node.BaseAddress, "portal/").ToString());

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pruebe la demostración como…" })).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es-MX");
        await Assertions.Expect(page.GetByLabel("Idioma")).ToHaveValueAsync("es");
    }

    /// <summary>
    /// The portal carries no ICU data (InvariantGlobalization); dates still read as the browser's region writes them,
    /// from the browser's own Intl: the page shows a slot's date and time as Intl writes that moment in that region
    /// (month first with AM/PM in the US, day first in Britain and Spain).
    /// </summary>
    [Theory]
    [InlineData("en-US", "12")]
    [InlineData("en-GB", "24")]
    [InlineData("es-ES", "24")]
    public async Task ASlotsTime_IsWrittenAsTheBrowsersRegionWritesIt(string locale, string clock)
    {
        using var people = new DemoPeople(fx);
        var start = await people.AddSlotAsync();
        await using var context = await fx.Browser.NewContextAsync(new() { Locale = locale, TimezoneId = "UTC" });
        await context.AddInitScriptAsync($"localStorage.setItem('careledger-culture', '{locale}')");
        var page = await SignInAsDemoAsync(fx, context, "Sam Jones");

        await page.EvaluateAsync("url => Blazor.navigateTo(url)", $"book/{people.Key("dr-rivera").Account}");
        var label = page.Locator($"label:has(input[name=slot][value='{start}'])");
        await label.WaitForAsync(new() { Timeout = Slow });

        // Narrow and plain no-break spaces (Chromium puts one before AM/PM) read as spaces.
        static string Plain(string text) => text.Replace('\u202f', ' ').Replace('\u00a0', ' ').Trim();
        var shown = Plain(await label.InnerTextAsync());
        var intl = Plain(await page.EvaluateAsync<string>("""
            ([locale, at]) => new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'numeric', day: 'numeric' }).format(at) + ' '
                + new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(at)
            """, new object[] { locale, start }));
        Assert.Equal(intl, shown);
        var when = DateTimeOffset.FromUnixTimeMilliseconds(start);
        var (day, month) = (when.Day.ToString(System.Globalization.CultureInfo.InvariantCulture), when.Month.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var numbers = shown.Split([' ', '/'], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(locale == "en-US" ? [month, day] : new[] { day, month }, numbers[..2].Select(n => n.TrimStart('0')).ToArray());
        Assert.Equal(clock == "12", shown.EndsWith("AM", StringComparison.Ordinal) || shown.EndsWith("PM", StringComparison.Ordinal));
    }

    /// <summary>Words that give away an English phrase in a Spanish page (people's names and organisations have none of them).</summary>
    [GeneratedRegex(@"\b(the|your|you|and|with|of|to|is|for|this|are|has|have|from|will|not|yet|who|what|record|records|shared|sign|add|show|save|new|there)\b", RegexOptions.IgnoreCase)]
    private static partial Regex English();

    /// <summary>Everything a person reads as the page's own words: headings, labels, buttons, table heads, legends, captions, links of the menu.</summary>
    private const string Chrome = "main h1, main h2, main h3, main label, main button, main th, main legend, main caption, main [role=alert], header nav a, footer p";

    private static readonly Dictionary<string, string> SpanishHeadings = new()
    {
        ["records"] = "Mis registros", ["trends"] = "Mis mediciones a lo largo del tiempo", ["sharing"] = "Quién puede leer mis registros",
        ["access-log"] = "Quién leyó mis registros", ["prescribe"] = "Recetar", ["dispense"] = "Dispensar una receta", ["keys"] = "Sus claves",
        ["members"] = "Miembros e invitaciones",
    };

    [Theory]
    [InlineData("Sam Jones")]
    [InlineData("Dr. Ana Rivera")]
    [InlineData("Li Chen")]
    [InlineData("Clinic administrator")]
    [InlineData("Insurer administrator")]
    [InlineData("Board registrar")]
    [InlineData("Agency auditor")]
    public async Task EveryPageOfAPersonInSpanish_HasNoPhraseLeftInEnglish(string persona)
    {
        await using var context = await fx.Browser.NewContextAsync(new() { Locale = "es-ES" });
        var missing = new List<string>();
        context.Console += (_, m) => { if (m.Text.StartsWith("[i18n] missing", StringComparison.Ordinal)) missing.Add(m.Text); };
        var page = await SignInAsDemoAsync(fx, context, persona);
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es-ES");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Hola", new() { Timeout = Slow });
        if (await page.GetByTestId("record-count").CountAsync() > 0) // a patient's dashboard counts their records once opened
            await Assertions.Expect(page.GetByTestId("record-count")).Not.ToHaveTextAsync("…", new() { Timeout = Slow });
        var leftovers = new List<string>(await LeftInEnglishAsync(page, "inicio"));
        await ScreenshotAsync(page, "es-home-" + persona.Split(' ')[0].ToLowerInvariant().TrimEnd('.'));
        var links = await page.Locator("header nav a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        foreach (var href in links.Where(h => h is { Length: > 0 } && !h.StartsWith('/')))
        {
            await page.Locator($"header nav a[href='{href}']").ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync(new() { Timeout = Slow });
            // A heading the English-words pattern would not catch ("Trends", "Prescribe") is checked word for word.
            if (SpanishHeadings.TryGetValue(href, out var heading))
                await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading, new() { Timeout = Slow });
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.WaitForTimeoutAsync(300); // pages finish loading their lists after the heading
            leftovers.AddRange(await LeftInEnglishAsync(page, href));
            await ScreenshotAsync(page, $"es-{href.Replace('/', '-')}");
        }

        Assert.True(missing.Count == 0, "phrases without a Spanish translation:\n" + string.Join("\n", missing.Distinct()));
        Assert.True(leftovers.Count == 0, "English left on Spanish pages:\n" + string.Join("\n", leftovers.Distinct()));
    }

    [Fact]
    public async Task ThePagesBeforeSigningInInSpanish_HaveNoPhraseLeftInEnglish()
    {
        await using var context = await fx.Browser.NewContextAsync(new() { Locale = "es-ES" });
        var missing = new List<string>();
        context.Console += (_, m) => { if (m.Text.StartsWith("[i18n] missing", StringComparison.Ordinal)) missing.Add(m.Text); };
        var page = await context.NewPageAsync();
        var leftovers = new List<string>();
        foreach (var (path, ready) in new[] { ("portal/", "Pruebe la demostración como…"), ("portal/keys", "Sus claves") })
        {
            await page.GotoAsync(new Uri(fx.Node.BaseAddress, path).ToString());
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = ready })).ToBeVisibleAsync(new() { Timeout = Slow });
            leftovers.AddRange(await LeftInEnglishAsync(page, path));
        }

        Assert.True(missing.Count == 0, "phrases without a Spanish translation:\n" + string.Join("\n", missing.Distinct()));
        Assert.True(leftovers.Count == 0, "English left on Spanish pages:\n" + string.Join("\n", leftovers.Distinct()));
    }

    /// <summary>Pages reached from a list rather than the menu: booking a doctor, adding a record, and one record opened.</summary>
    [Fact]
    public async Task BookingADoctorAddingAndOpeningARecordInSpanish_HaveNoPhraseLeftInEnglish()
    {
        await using var context = await fx.Browser.NewContextAsync(new() { Locale = "es-ES" });
        var missing = new List<string>();
        context.Console += (_, m) => { if (m.Text.StartsWith("[i18n] missing", StringComparison.Ordinal)) missing.Add(m.Text); };
        var page = await SignInAsDemoAsync(fx, context, "Sam Jones");
        var leftovers = new List<string>();

        await page.Locator("header nav a[href='doctors']").ClickAsync();
        await page.Locator("main a.button[href^='book/']").First.ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reservar una cita" })).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reservar y pagar" })).ToBeVisibleAsync(new() { Timeout = Slow });
        leftovers.AddRange(await LeftInEnglishAsync(page, "book"));
        await ScreenshotAsync(page, "es-book");

        await page.Locator("header nav a[href='records']").ClickAsync();
        await page.Locator("main a[href='records/new']").ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Añadir un registro", Level = 1 })).ToBeVisibleAsync(new() { Timeout = Slow });
        leftovers.AddRange(await LeftInEnglishAsync(page, "records/new"));
        await ScreenshotAsync(page, "es-records-new");

        await page.Locator("header nav a[href='records']").ClickAsync();
        var record = page.Locator("main td a[href^='records/']").First;
        await record.WaitForAsync(new() { Timeout = Slow });
        await record.ClickAsync();
        await Assertions.Expect(page.GetByText("Hash del contenido en el libro mayor")).ToBeVisibleAsync(new() { Timeout = Slow });
        leftovers.AddRange(await LeftInEnglishAsync(page, "records/…"));
        await ScreenshotAsync(page, "es-record");

        Assert.True(missing.Count == 0, "phrases without a Spanish translation:\n" + string.Join("\n", missing.Distinct()));
        Assert.True(leftovers.Count == 0, "English left on Spanish pages:\n" + string.Join("\n", leftovers.Distinct()));
    }

    [Fact]
    public async Task AWrongPassphrase_IsOneSpanishSentence_NamingTheKey()
    {
        await using var context = await fx.Browser.NewContextAsync(new() { Locale = "es-ES" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(fx.Node.BaseAddress, "portal/keys").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sus claves", Level = 1 })).ToBeVisibleAsync(new() { Timeout = Slow });
        await page.Locator("input[type=file]").SetInputFilesAsync(DemoKeyFile(fx, "dr-rivera"));
        await page.GetByLabel("Su frase de contraseña").FillAsync("not-the-passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Importar clave" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "Frase de contraseña incorrecta para la clave «dr-rivera» (o el archivo de clave está dañado).", new() { Timeout = Slow });
    }

    private static async Task<IEnumerable<string>> LeftInEnglishAsync(IPage page, string where)
    {
        var texts = await page.Locator(Chrome).EvaluateAllAsync<string[]>(
            "els => els.filter(e => e.offsetParent !== null && !e.closest('[translate=no]')).map(e => (e.innerText || e.getAttribute('aria-label') || '').trim())");
        return texts.Where(t => English().IsMatch(t)).Select(t => $"{where}: {t}");
    }
}
