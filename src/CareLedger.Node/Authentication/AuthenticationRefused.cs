namespace CareLedger.Node.Authentication;

/// <summary>Why a request's credentials were refused, with the status to answer (401 mostly; 400 or 413 for a malformed request).</summary>
public sealed class AuthenticationRefused(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}
