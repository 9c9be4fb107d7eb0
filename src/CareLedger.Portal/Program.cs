using CareLedger.Portal;
using CareLedger.Portal.Crypto;
using CareLedger.Vault.Crypto;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

// The node that serves the portal (at /portal/) answers its API at its root: /v1/... (PortalHosting in the node).
builder.Services.AddScoped(sp => new HttpClient { BaseAddress = new Uri(new Uri(builder.HostEnvironment.BaseAddress), "/") });
// In WebAssembly a scope lasts as long as the tab: one key module, one key store, one signed-in person.
builder.Services.AddScoped<KeysModule>();
builder.Services.AddScoped<BrowserKeyStore>();
builder.Services.AddScoped<IRecordCrypto, WebCryptoRecordCrypto>();
builder.Services.AddScoped<CareLedger.Ledger.Cryptography.ISignatureCheck, WebCryptoSignatureCheck>();
builder.Services.AddScoped<CareLedger.Portal.Session.PortalSession>();

await builder.Build().RunAsync();
