// The person's language, kept in this browser (Session/PortalCulture.cs): their choice, else the browser's own, if the
// portal speaks it, else English. Blazor starts in that culture, so that it fetches the matching ICU data and resources.
window.careledgerCulture = {
    wanted: () => {
        const tag = localStorage.getItem('careledger-culture') || navigator.language || 'en';
        return /^(en|es)(-|$)/i.test(tag) ? tag : 'en';
    },
    choose: (code) => localStorage.setItem('careledger-culture', code),
    applied: (name) => { document.documentElement.lang = name; },
};
Blazor.start({ applicationCulture: window.careledgerCulture.wanted() });
