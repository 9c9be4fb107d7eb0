// How the portal starts: in the person's language, and with the list of what its first load left out.
//
// The person's language, kept in this browser (Session/PortalCulture.cs): their choice, else the browser's own, if the
// portal speaks it, else English. The portal runs .NET without ICU's data (InvariantGlobalization, 141 KB less to
// fetch): how dates and numbers are written in that language and region comes from the browser's own Intl instead,
// read once at start by formats().
window.careledgerCulture = {
    wanted: () => {
        const tag = localStorage.getItem('careledger-culture') || navigator.language || 'en';
        return /^(en|es)(-|$)/i.test(tag) ? tag : 'en';
    },
    choose: (code) => localStorage.setItem('careledger-culture', code),
    applied: (name) => { document.documentElement.lang = name; },

    /**
     * The culture's names and patterns, as .NET's DateTimeFormatInfo and NumberFormatInfo take them. Patterns come from
     * formatting known moments (5 January 2026, 09:04:07 and 21:04:07) and naming each part: a "05" is "dd", a "5" is "d".
     */
    formats: (tag) => {
        const locale = Intl.getCanonicalLocales(tag)[0];
        const at = (h) => new Date(2026, 0, 5, h, 4, 7);
        const names = (options, dates) => dates.map(d => new Intl.DateTimeFormat(locale, options).format(d));
        const months = [...Array(12).keys()].map(m => new Date(2026, m, 15));
        const days = [...Array(7).keys()].map(d => new Date(2026, 0, 4 + d)); // 4 January 2026 is a Sunday
        const quote = (text) => text.replace(/[A-Za-z']+/g, t => `'${t.replace(/'/g, "''")}'`);
        const pattern = (options, date) => new Intl.DateTimeFormat(locale, options).formatToParts(date).map(p => {
            switch (p.type) {
                case 'day': return p.value.length === 2 ? 'dd' : 'd';
                case 'month': return /^\d+$/.test(p.value) ? (p.value.length === 2 ? 'MM' : 'M') : 'MMMM';
                case 'weekday': return 'dddd';
                case 'year': return 'yyyy';
                case 'hour': return (hour12 ? 'h' : 'H').repeat(p.value.length === 2 ? 2 : 1);
                case 'minute': return 'mm';
                case 'second': return 'ss';
                case 'dayPeriod': return 'tt';
                default: return quote(p.value);
            }
        }).join('');
        const hour12 = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hour12 === true;
        const period = (h) => new Intl.DateTimeFormat(locale, { hour: 'numeric', hour12: true })
            .formatToParts(at(h)).find(p => p.type === 'dayPeriod')?.value ?? '';
        const number = new Intl.NumberFormat(locale).formatToParts(-12345.6);
        const part = (type, fallback) => number.find(p => p.type === type)?.value ?? fallback;
        return {
            name: locale,
            shortDate: pattern({ year: 'numeric', month: 'numeric', day: 'numeric' }, at(9)),
            longDate: pattern({ year: 'numeric', month: 'long', day: 'numeric' }, at(9)),
            shortTime: pattern({ hour: 'numeric', minute: '2-digit' }, at(9)),
            longTime: pattern({ hour: 'numeric', minute: '2-digit', second: '2-digit' }, at(9)),
            am: period(9), pm: period(21),
            months: names({ month: 'long' }, months), monthsShort: names({ month: 'short' }, months),
            days: names({ weekday: 'long' }, days), daysShort: names({ weekday: 'short' }, days),
            decimal: part('decimal', '.'), group: part('group', ','), minus: part('minusSign', '-'),
        };
    },
};

// The demo's personas for the sign-in page, fetched while .NET itself loads rather than after (null on a real chain,
// which answers 404, or when the node is out of reach). Only the sign-in page (the portal's root) asks for them.
const demoIdentities = /\/portal\/?$/.test(location.pathname)
    ? fetch('/v1/demo/identities').then(r => r.ok ? r.text() : null).catch(() => null)
    : null;
window.careledgerDemoIdentities = () => demoIdentities ?? fetch('/v1/demo/identities').then(r => r.ok ? r.text() : null).catch(() => null);

// The assemblies this build's first load left out (BlazorWebAssemblyLazyLoad), as the boot manifest names them:
// Session/LazyParts.cs loads them at sign-in.
window.careledgerLazyAssemblies = () => (Blazor.runtime.getConfig().resources.lazyAssembly || []).map(a => a.virtualPath);

Blazor.start({ applicationCulture: window.careledgerCulture.wanted() });
