namespace KeepTrusts.Engine.Evaluation;

/// <summary>A labelled set that cannot be read: the message names the file and line and says what to write instead.</summary>
public sealed class LabelledDataException(string message) : Exception(message);
