namespace KeepTrusts.Engine.Configuration;

/// <summary>Entity names accepted in <c>policy.pii-detector.entities</c>.</summary>
public static class PiiEntityNames
{
    public const string Email = "email";
    public const string Phone = "phone";
    public const string CreditCard = "credit_card";
    public const string Iban = "iban";
    public const string UsSsn = "us_ssn";
    public const string IpAddress = "ip_address";
    public const string DateOfBirth = "date_of_birth";
    public const string Passport = "passport";
    public const string NationalId = "national_id";
    public const string AzureStorageKey = "azure_storage_key";
    public const string ConnectionString = "connection_string";
    public const string OpenAIKey = "openai_api_key";
    public const string AzureOpenAIKey = "azure_openai_key";
    public const string Jwt = "jwt";
    public const string PrivateKey = "private_key";

    public static readonly IReadOnlyList<string> All =
    [
        Email, Phone, CreditCard, Iban, UsSsn, IpAddress, DateOfBirth, Passport, NationalId,
        AzureStorageKey, ConnectionString, OpenAIKey, AzureOpenAIKey, Jwt, PrivateKey,
    ];
}
