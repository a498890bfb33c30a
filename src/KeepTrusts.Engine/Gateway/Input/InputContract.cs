namespace KeepTrusts.Engine.Gateway.Input;

/// <summary>A client request's input-contract violation as the 400 the client gets (rendered in its dialect by <see cref="GatewayErrors"/>).</summary>
public static class InputContract
{
    public static GatewayError ClientError(JsonViolation violation) => violation.Reason switch
    {
        "too_many_messages" => GatewayError.Invalid("too_many_messages", violation.Message, violation.Field),
        "wrong_type" when violation.Field == "model" => GatewayError.Invalid("invalid_model", violation.Message + " Name one of the configured models.", "model"),
        "wrong_type" => GatewayError.Invalid("invalid_request", violation.Message, violation.Field),
        _ => GatewayError.Invalid("invalid_json",
            $"The request body is not acceptable JSON: {violation.Message}. Send one JSON object such as {{\"model\":\"gpt-4o\",\"messages\":[{{\"role\":\"user\",\"content\":\"hello\"}}]}}.",
            violation.Field),
    };
}
