using CareLedger.Portal;
using CareLedger.Portal.Crypto;
using CareLedger.Vault.Crypto;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using CareLedger.Portal.Session;
using Microsoft.Extensions.Localization;
using Microsoft.JSInterop;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

// The node that serves the portal (at /portal/) answers its API at its root: /v1/... (PortalHosting in the node).
builder.Services.AddSingleton(sp => new HttpClient { BaseAddress = new Uri(new Uri(builder.HostEnvironment.BaseAddress), "/") });
// In WebAssembly a scope lasts as long as the tab: one key module, one key store, one signed-in person.
builder.Services.AddSingleton<KeysModule>();
builder.Services.AddSingleton<BrowserKeyStore>();
builder.Services.AddSingleton<IRecordCrypto, WebCryptoRecordCrypto>();
builder.Services.AddSingleton<CareLedger.Ledger.Cryptography.ISignatureCheck, WebCryptoSignatureCheck>();
builder.Services.AddSingleton<CareLedger.Portal.Session.PortalSession>();
builder.Services.AddSingleton<CareLedger.Portal.Session.LazyParts>();
builder.Services.AddSingleton<LiveNotices>();
// English is written in the markup; other languages come from Resources/Text.{culture}.resx (Text.cs).
builder.Services.AddLocalization(options => options.ResourcesPath = "Resources");
builder.Services.AddSingleton<PortalWords>();
builder.Services.AddSingleton<IStringLocalizer<Text>>(services => services.GetRequiredService<PortalWords>());

var host = builder.Build();
// The language is set before the app runs, so that RunAsync loads its resources.
await PortalCulture.ApplyAsync(host.Services.GetRequiredService<IJSRuntime>());
// Live notices follow whoever is signed in, from the restored session on.
host.Services.GetRequiredService<LiveNotices>().Follow();
// A reload keeps the person signed in while their session runs (keys.js): restored before the first page renders.
await host.Services.GetRequiredService<CareLedger.Portal.Session.PortalSession>().RestoreAsync();
await host.RunAsync();
