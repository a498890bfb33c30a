namespace KeepTrusts.Train;

/// <summary>
/// How the calibration weighs benign texts when it places the default threshold at 1 % false positives: every text
/// alike (the pooled training set, dominated by its largest sources), every source alike (each source's false-positive
/// rate counts the same), or in between (a source weighs as the square root of its size).
/// </summary>
internal enum BenignWeighting
{
    Pooled,
    SquareRoot,
    PerSource,
}
