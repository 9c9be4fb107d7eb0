using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>The telemedicine commands: practitioner, book, booking, refer, consultation, dispute, opinion, coverage and treasury.</summary>
public static class ServicesCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("practitioner", practitioner =>
        {
            practitioner.SetDescription("Practitioners' profiles and calendars, and finding one");
            practitioner.AddCommand<PractitionerProfileCommand>("profile").WithDescription("Publish your profile: languages, modes and price")
                .WithExample("practitioner", "profile", "--language", "en", "--language", "es", "--mode", "video", "--mode", "on-site", "--price", "50", "--key", "dr-rivera");
            practitioner.AddBranch("slots", slots =>
            {
                slots.SetDescription("Your free slots");
                slots.AddCommand<SlotsAddCommand>("add").WithDescription("Offer slots")
                    .WithExample("practitioner", "slots", "add", "--at", "\"2026-06-01 09:00\"", "--at", "\"2026-06-01 09:30\"", "--key", "dr-rivera");
                slots.AddCommand<SlotsRemoveCommand>("remove").WithDescription("Withdraw free slots");
            });
            practitioner.AddCommand<PractitionerSearchCommand>("search").WithDescription("Find practitioners by specialty, language, mode, price, rating and free slot")
                .WithExample("practitioner", "search", "--specialty", "general-practice", "--language", "es", "--max-price", "80", "--from", "1d", "--to", "7d");
            practitioner.AddCommand<PractitionerShowCommand>("show").WithDescription("A practitioner's profile, rating and slots").WithExample("practitioner", "show", "dr-rivera");
        });
        config.AddCommand<BookCommand>("book").WithDescription("Book a practitioner's slot; the price is held in escrow")
            .WithExample("book", "dr-rivera", "--slot", "\"2026-06-01 09:00\"", "--mode", "video", "--symptoms-file", "symptoms.txt", "--key", "patient-jones")
            .WithExample("book", "dr-rivera", "--slot", "\"2026-06-01 09:30\"", "--mode", "on-site", "--symptoms-file", "symptoms.txt", "--insurer", "care-insurance", "--key", "patient-jones");
        config.AddBranch("booking", booking =>
        {
            booking.SetDescription("Follow and answer bookings");
            booking.AddCommand<BookingShowCommand>("show").WithDescription("Show a booking");
            booking.AddCommand<BookingListCommand>("list").WithDescription("List a patient's or a practitioner's bookings")
                .WithExample("booking", "list", "--practitioner", "dr-rivera", "--status", "requested");
            booking.AddCommand<BookingStepCommand>("accept").WithData(BookingStepCommand.Accept).WithDescription("Accept a booking (the practitioner)");
            booking.AddCommand<BookingDeclineCommand>("decline").WithDescription("Decline a booking and refund it (the practitioner)");
            booking.AddCommand<BookingStepCommand>("cancel").WithData(BookingStepCommand.Cancel)
                .WithDescription("Cancel a booking (the patient): refunded in full until the free-cancellation window closes");
        });
        config.AddCommand<ReferCommand>("refer").WithDescription("Refer a patient to a laboratory or clinic")
            .WithExample("refer", "patient-jones", "--to", "central-lab", "--examination", "LOINC-24331-1", "--key", "dr-rivera");
        config.AddBranch("consultation", consultation =>
        {
            consultation.SetDescription("Run a consultation: start, end, complete with a summary; acknowledge and rate it");
            consultation.AddCommand<BookingStepCommand>("start").WithData(BookingStepCommand.Start).WithDescription("Start the consultation (the practitioner)");
            consultation.AddCommand<BookingStepCommand>("end").WithData(BookingStepCommand.End).WithDescription("End the consultation (the practitioner)");
            consultation.AddCommand<ConsultationCompleteCommand>("complete").WithDescription("Add the summary Encounter to the patient's records and complete")
                .WithExample("consultation", "complete", "<booking>", "--summary-file", "encounter.json", "--key", "dr-rivera");
            consultation.AddCommand<BookingStepCommand>("acknowledge").WithData(BookingStepCommand.Acknowledge)
                .WithDescription("Acknowledge the consultation, releasing the payment (the patient)");
            consultation.AddCommand<ConsultationRateCommand>("rate").WithDescription("Rate a completed consultation from 1 to 5 (the patient)");
        });
        config.AddBranch("dispute", dispute =>
        {
            dispute.SetDescription("Disputes over a booking, decided by the arbitrator");
            dispute.AddCommand<DisputeOpenCommand>("open").WithDescription("Open a dispute (the patient or the practitioner)");
            dispute.AddCommand<DisputeAnswerCommand>("answer").WithDescription("Answer a dispute the other side opened, once");
            dispute.AddCommand<DisputeResolveCommand>("resolve").WithDescription("Decide a dispute (admins of the arbitrator)")
                .WithExample("dispute", "resolve", "<booking>", "--decision", "split", "--refund", "25", "--key", "board-admin");
        });
        config.AddBranch("opinion", opinion =>
        {
            opinion.SetDescription("Second opinions, paid per opinion");
            opinion.AddCommand<OpinionRequestCommand>("request").WithDescription("Ask practitioners for their opinion on some of your records");
            opinion.AddCommand<OpinionSubmitCommand>("submit").WithDescription("Give your opinion on a case and be paid");
        });
        config.AddBranch("coverage", coverage =>
        {
            coverage.SetDescription("Insurers' cover of patients' consultations");
            coverage.AddCommand<CoverageSetCommand>("set").WithDescription("Cover a patient up to a total (insurer admins)")
                .WithExample("coverage", "set", "patient-jones", "--limit", "500", "--key", "insurer-admin");
        });
        config.AddBranch("treasury", treasury =>
        {
            treasury.SetDescription("Organisations' treasuries: insurers' funds, the operator's fees");
            treasury.AddCommand<TreasuryShowCommand>("show").WithDescription("What a treasury holds").WithExample("treasury", "show", "platform");
            treasury.AddCommand<TreasuryDepositCommand>("deposit").WithDescription("Move from your balance into your organisation's treasury");
            treasury.AddCommand<TreasuryWithdrawCommand>("withdraw").WithDescription("Move from your organisation's treasury into your balance");
        });
    }
}
