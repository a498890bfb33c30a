namespace KeepTrusts.Train;

/// <summary>
/// What cross-validation chooses among: L2 strength, passes over the data, AdaGrad's rate, and how much more a benign
/// text weighs than its class share (above 1 the model trades recall for fewer false positives: the criterion is the
/// low-FPR end), and how far benign sources are balanced against each other (0: every text alike; 0.5: a source's
/// texts weigh as 1/√size; 1: every source alike), so a large easy source does not outweigh a small hard one.
/// FeatureDropout (experiment): each training step drops each n-gram of the window with this probability and scales
/// the rest by 1 / (1 − p) ("blankout" noise), so no single phrasing carries a decision; inference is unchanged.
/// AttackBalance (experiment, round 7): the same for attack families (an attack weighs as family size^-AttackBalance,
/// scaled so the attack class keeps its total weight), so a large template family does not outweigh a small one.
/// </summary>
internal sealed record Hyperparameters(double L2, int Epochs, double LearningRate, double BenignBoost = 1, double SourceBalance = 0, double FeatureDropout = 0, double AttackBalance = 0);
