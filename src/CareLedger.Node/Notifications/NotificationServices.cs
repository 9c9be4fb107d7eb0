using CareLedger.Node.Chain;

namespace CareLedger.Node.Notifications;

/// <summary>Notification preferences and e-mail (ADR 0018).</summary>
public static class NotificationServices
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PreferenceStore>();
        // The mail services touch the store only when mail is on: opening it derives a key from the node passphrase,
        // work a node that sends no mail need not do at every start.
        services.AddSingleton(sp => new Lazy<PreferenceStore>(sp.GetRequiredService<PreferenceStore>));
        services.AddSingleton<ReminderIndex>();
        services.AddSingleton<MailOutbox>();
        services.AddSingleton<NotificationMail>();
        services.AddSingleton<INodeStartup>(sp => sp.GetRequiredService<NotificationMail>());
        services.AddHostedService(sp => sp.GetRequiredService<NotificationMail>());
        return services;
    }
}
