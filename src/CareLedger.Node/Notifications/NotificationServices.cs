using CareLedger.Node.Chain;

namespace CareLedger.Node.Notifications;

/// <summary>Notification preferences and e-mail (ADR 0018).</summary>
public static class NotificationServices
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PreferenceStore>();
        services.AddSingleton<ReminderIndex>();
        services.AddSingleton<MailOutbox>();
        services.AddSingleton<NotificationMail>();
        services.AddSingleton<INodeStartup>(sp => sp.GetRequiredService<NotificationMail>());
        services.AddHostedService(sp => sp.GetRequiredService<NotificationMail>());
        return services;
    }
}
