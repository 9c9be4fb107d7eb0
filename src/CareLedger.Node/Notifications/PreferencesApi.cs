using System.Security.Claims;
using System.Text.Json;
using CareLedger.Node.Api;
using CareLedger.Node.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Notifications;

/// <summary>
/// A member's own notification preferences (ADR 0018): read, set and forget them with requests signed by their key. There
/// is no account in the path: each member reaches only their own, and nobody (auditors included) reads another's.
/// </summary>
public static class PreferencesApi
{
    public const string Path = "/v1/notifications/preferences";
    public const int MaxBodyBytes = 4 * 1024;

    /// <summary>As every JSON body (a key twice is refused), and a property the preferences do not have is a mistake, not ignored.</summary>
    private static readonly JsonSerializerOptions Json = new(RequestBodies.Json) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    public static void MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).WithTags("Notifications").RequireAuthorization(Policies.Member)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("", Show).WithSummary("The signing member's notification preferences: e-mail address, which notices go by e-mail, the reminder's lead time");
        group.MapPut("", Set).WithSummary("Sets the signing member's notification preferences (kept by this node, encrypted, never on the ledger)")
            .Documents<NotificationPreferences>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapDelete("", Forget).WithSummary("Forgets the signing member's notification preferences and e-mail address");
    }

    private static Ok<NotificationPreferences> Show(ClaimsPrincipal user, PreferenceStore store) => TypedResults.Ok(store.Get(user.Account()));

    private static async Task<Results<Ok<NotificationPreferences>, ProblemHttpResult>> Set(HttpRequest request, ClaimsPrincipal user, PreferenceStore store,
        ILogger<PreferenceStore> log, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync(request, MaxBodyBytes, ct);
        if (body is null) return Problems.TooLarge(MaxBodyBytes);
        if (!System.Text.Unicode.Utf8.IsValid(body)) return Problems.Bad("Bad preferences", "The body is not valid UTF-8.");
        NotificationPreferences? preferences;
        try
        {
            preferences = JsonSerializer.Deserialize<NotificationPreferences>(body, Json);
        }
        catch (JsonException)
        {
            return Problems.Bad("Bad preferences", "The body is a JSON object in UTF-8 with only email, bookings, reminders, breakGlass, reminderMinutes and quiet, each once.");
        }
        if (preferences is null) return Problems.Bad("Bad preferences", "The body is a JSON object, not null.");
        preferences = preferences with { Email = string.IsNullOrWhiteSpace(preferences.Email) ? null : preferences.Email };
        if (preferences.Problem() is { } problem) return Problems.Bad("Bad preferences", problem);
        store.Put(user.Account(), preferences);
        // The address is personal data: the log names the account only.
        log.LogInformation("Notification preferences of {Account} set (e-mail {HasEmail}, quiet {Quiet})", user.Account(), preferences.Email is not null, preferences.Quiet);
        return TypedResults.Ok(preferences);
    }

    private static NoContent Forget(ClaimsPrincipal user, PreferenceStore store, ILogger<PreferenceStore> log)
    {
        if (store.Delete(user.Account())) log.LogInformation("Notification preferences of {Account} forgotten", user.Account());
        return TypedResults.NoContent();
    }
}
