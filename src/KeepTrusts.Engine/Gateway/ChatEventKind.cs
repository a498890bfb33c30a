namespace KeepTrusts.Engine.Gateway;

public enum ChatEventKind
{
    /// <summary>A chunk or Responses event for the client.</summary>
    Data,

    /// <summary>The stream's end marker ([DONE] on chat streams).</summary>
    Done,

    /// <summary>The stream broke off (upstream failure or timeout); carries an error body.</summary>
    Error,
}
