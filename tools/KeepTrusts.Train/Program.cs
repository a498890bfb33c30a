using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using KeepTrusts.Engine.Evaluation;
using KeepTrusts.Engine.Policies.PromptInjection;
using KeepTrusts.Train;

// dotnet run -c Release --project tools/KeepTrusts.Train [-- --data <train.jsonl>] [--out <model.bin>] [--folds 5]
// Rebuilds the engine's prompt-injection model: cross-validation on the training set picks L2 and epochs, the
// calibration is fitted on its out-of-fold scores (cluster folds, square root; --calibration-folds source fits it on
// leave-source-out scores instead, a round-8 experiment), the final model is trained on the whole set. Same data, same bytes.
// --encoder <model.onnx> --encoder-vocab <vocab.txt> (round 9 experiment, not shipped): a sentence encoder's embedding
// + logistic head against the n-grams, alone and stacked, on the same cluster and leave-source-out folds; writes nothing.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var root = FindRepoRoot();
var data = Path.Combine(root, "data", "injection", "train.jsonl");
var output = Path.Combine(root, "src", "KeepTrusts.Engine", "Policies", "PromptInjection", "injection-model.bin");
var folds = 5;
string? gridOption = null;
var cvOnly = false;
var familyReport = false;
var bits = 18;
var augmentCopies = 2;
var weighting = BenignWeighting.SquareRoot; // rounds 3-8 ship square root over cluster-fold margins; round 8 tried pooled over leave-source-out (docs/policies.md "Round 8 model")
var threads = 1;
var window = 1024;
var stride = 512;
var familyGroups = 0;
var sourceGroups = 5;
var calibrationFolds = "cluster";
double[] nbMixes = [0];
string? encoderModel = null;
string? encoderVocab = null;
var encoderTokens = 256;
var encoderCache = Path.GetTempPath();
var encoderCls = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data": data = Path.GetFullPath(args[++i]); break;
        case "--out": output = Path.GetFullPath(args[++i]); break;
        case "--folds": folds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--grid": gridOption = args[++i]; break;
        case "--cv-only": cvOnly = true; break;
        case "--families": familyReport = true; break;
        case "--family-groups": familyReport = true; familyGroups = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--bits": bits = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--calibration": weighting = Enum.Parse<BenignWeighting>(args[++i], ignoreCase: true); break;
        case "--augment": augmentCopies = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--window": window = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--stride": stride = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--source-groups": sourceGroups = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--calibration-folds": calibrationFolds = args[++i] is "cluster" or "source" ? args[i] : throw new ArgumentException($"--calibration-folds takes cluster or source, not '{args[i]}'"); break;
        case "--encoder": encoderModel = Path.GetFullPath(args[++i]); break;
        case "--encoder-vocab": encoderVocab = Path.GetFullPath(args[++i]); break;
        case "--encoder-tokens": encoderTokens = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--encoder-pooling": encoderCls = args[++i] switch { "cls" => true, "mean" => false, _ => throw new ArgumentException($"--encoder-pooling takes mean or cls, not '{args[i]}'") }; break;
        case "--encoder-cache": encoderCache = Path.GetFullPath(args[++i]); break;
        case "--nb-mix": nbMixes = args[++i].Split(',').Select(m => double.Parse(m, CultureInfo.InvariantCulture)).ToArray(); break;
        default:
            Console.Error.WriteLine($"unknown option '{args[i]}'; usage: KeepTrusts.Train [--data <train.jsonl>] [--out <model.bin>] [--folds <k>] [--grid l2:epochs:rate[:benign-boost[:source-balance[:feature-dropout[:attack-balance]]]],...] [--cv-only] [--families] [--family-groups <folds>] [--bits <n>] [--augment <copies>] [--calibration pooled|squareroot|persource] [--threads <folds at once>] [--window <chars>] [--stride <chars>] [--source-groups <folds>] [--calibration-folds source|cluster] [--nb-mix <factor>[,<factor>...]] [--encoder <model.onnx> --encoder-vocab <vocab.txt> [--encoder-tokens <n>] [--encoder-pooling mean|cls] [--encoder-cache <dir>]]");
            return 2;
    }
}

const int Seed = 20261205;
var shape = new ModelShape(Bits: bits, Window: window, Stride: stride);
Hyperparameters[] grid =
[
    new(L2: 1e-6, Epochs: 32, LearningRate: 0.1, SourceBalance: 0.5),
    new(L2: 1e-5, Epochs: 32, LearningRate: 0.1, SourceBalance: 0.5),
];

if (gridOption is not null)
{
    // Experiments: another grid, still cross-validated on the training data only.
    grid = gridOption.Split(',').Select(g => g.Split(':')).Select(p => new Hyperparameters(
        double.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture), double.Parse(p[2], CultureInfo.InvariantCulture),
        p.Length > 3 ? double.Parse(p[3], CultureInfo.InvariantCulture) : 1, p.Length > 4 ? double.Parse(p[4], CultureInfo.InvariantCulture) : 0,
        p.Length > 5 ? double.Parse(p[5], CultureInfo.InvariantCulture) : 0, p.Length > 6 ? double.Parse(p[6], CultureInfo.InvariantCulture) : 0)).ToArray();
}

IReadOnlyList<LabelledSample> samples;
try
{
    samples = LabelledSampleReader.Read(data);
}
catch (LabelledDataException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

var clock = Stopwatch.StartNew();
var examples = samples.Select(s => ExampleFeaturizer.Featurize(s, shape)).ToList();
var cluster = NearDuplicateClusters.Assign(samples.Select(s => s.Text).ToList());
var fold = CrossValidation.ClusterFolds(examples, cluster, folds, Seed);
var augmented = Augmentation.Create(samples, augmentCopies, Seed)
    .Select(a => (ExampleFeaturizer.Featurize(a.Sample, shape), a.Origins)).ToList();
Console.WriteLine($"augmented: {augmented.Count} texts ({augmented.Count(a => a.Item1.Attack)} attacks in benign carriers, the rest their benign twins), {augmentCopies} per short attack");
Console.WriteLine($"{data}: {examples.Count} samples ({examples.Count(e => e.Attack)} attacks) in {cluster.Distinct().Count()} near-duplicate clusters (largest {cluster.GroupBy(c => c).Max(g => g.Count())}), featurized in {clock.Elapsed.TotalSeconds:0.0}s");

if (encoderModel is not null)
{
    // Round 9 experiment (training data only): a sentence encoder + logistic head against the n-grams, on the same
    // cluster folds and leave-source-out folds; the n-grams with the grid's first point (the shipped L2 1e-6).
    if (encoderVocab is null)
    {
        Console.Error.WriteLine("--encoder needs --encoder-vocab <vocab.txt> (the WordPiece vocabulary of the same model)");
        return 2;
    }

    EncoderExperiment.MeasureCost(encoderModel, encoderVocab, encoderTokens, encoderCls, samples);
    var embeddings = EmbeddingCache.Load(samples.Select(s => s.Text).ToList(), encoderModel, encoderVocab, encoderTokens, encoderCache, threads, encoderCls);
    var encoderSourceFold = CrossValidation.SourceFolds(examples, cluster, sourceGroups);
    var settings = $"{shape} {grid[0]} augment {augmentCopies} seed {Seed}";
    var clusterNgram = MarginCache.Load(encoderCache, data, $"cluster folds {folds}, {settings}", () => CrossValidation.OutOfFoldMargins(examples, fold, shape, grid[0], Seed, augmented, threads));
    Console.WriteLine($"n-grams, cluster folds: done ({clock.Elapsed.TotalSeconds:0}s)");
    var sourceNgram = MarginCache.Load(encoderCache, data, $"source folds {sourceGroups}, {settings}", () => CrossValidation.OutOfFoldMargins(examples, encoderSourceFold, shape, grid[0], Seed, augmented, threads));
    Console.WriteLine($"n-grams, leave-source-out folds ({sourceGroups}): done ({clock.Elapsed.TotalSeconds:0}s)");
    EncoderExperiment.Run(samples, embeddings, fold, encoderSourceFold, clusterNgram, sourceNgram, threads);
    Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:0}s");
    return 0;
}

if (familyReport)
{
    // Diagnostic: recall of each attack family scored by a model that never saw that family, at the threshold that
    // flags 1 % of the (also out-of-fold) benign texts.
    var (familyFold, families) = CrossValidation.FamilyFolds(examples, cluster, Seed, familyGroups);
    Console.WriteLine("family folds: " + string.Join("; ", families.GroupBy(f => familyFold[Enumerable.Range(0, examples.Count).First(i => examples[i].Attack && CrossValidation.Family(examples[i].Source) == f)]).OrderBy(g => g.Key).Select(g => $"{g.Key}: {string.Join(", ", g)}")));
    foreach (var candidate in grid)
    {
        var familyMargins = CrossValidation.OutOfFoldMargins(examples, familyFold, shape, candidate, Seed, augmented, threads);
        var cut = CrossValidation.At(examples, familyMargins, 0.01);
        Console.WriteLine($"leave-one-family-out (window {shape.Window}/{shape.Stride}) l2 {candidate.L2:0e0}, epochs {candidate.Epochs}, rate {candidate.LearningRate}, dropout {candidate.FeatureDropout}, attack balance {candidate.AttackBalance}: TPR {cut.TruePositiveRate:0.000} at FPR 1%, {CrossValidation.At(examples, familyMargins, 0.05).TruePositiveRate:0.000} at 5%; per family at 1%:");
        Console.WriteLine("  " + string.Join(", ", families.Select(family =>
        {
            var members = Enumerable.Range(0, examples.Count).Where(i => examples[i].Attack && CrossValidation.Family(examples[i].Source) == family).ToList();
            return $"{family} {members.Count(i => familyMargins[i] >= cut.Threshold) / (double)members.Count:0.00}";
        })));
    }

    return 0;
}

Hyperparameters? best = null;
double[]? bestMargins = null;
var bestTpr = -1.0;
var lines = new List<string>();
foreach (var candidate in grid)
{
    var margins = CrossValidation.OutOfFoldMargins(examples, fold, shape, candidate, Seed, augmented, threads);
    var at1 = CrossValidation.At(examples, margins, 0.01);
    var at5 = CrossValidation.At(examples, margins, 0.05);
    var line = $"| {candidate.L2:0e0} | {candidate.Epochs} | {candidate.LearningRate} | {candidate.BenignBoost} | {candidate.SourceBalance} | {at1.TruePositiveRate:0.000} | {at5.TruePositiveRate:0.000} |";
    lines.Add(line);
    Console.WriteLine($"cv {folds}-fold: l2 {candidate.L2:0e0}, epochs {candidate.Epochs}, rate {candidate.LearningRate}, benign boost {candidate.BenignBoost}, source balance {candidate.SourceBalance}, dropout {candidate.FeatureDropout}, attack balance {candidate.AttackBalance}, window {shape.Window}/{shape.Stride}: TPR {at1.TruePositiveRate:0.000} at FPR 1%, {at5.TruePositiveRate:0.000} at 5% ({clock.Elapsed.TotalSeconds:0}s)");
    if (at1.TruePositiveRate > bestTpr)
    {
        (best, bestMargins, bestTpr) = (candidate, margins, at1.TruePositiveRate);
    }
}

var heuristic = samples.Select(s => PromptInjectionScorer.Score(s.Text).Score).ToArray();
var sourceFold = CrossValidation.SourceFolds(examples, cluster, sourceGroups);
Console.WriteLine($"source folds ({sourceGroups}): " + string.Join("; ", Enumerable.Range(0, sourceFold.Max() + 1).Select(f => $"{f}: {sourceFold.Count(x => x == f)} texts, {Enumerable.Range(0, examples.Count).Count(i => sourceFold[i] == f && examples[i].Attack)} attacks ({string.Join(", ", Enumerable.Range(0, examples.Count).Where(i => sourceFold[i] == f).Select(i => CrossValidation.Family(examples[i].Source)).Distinct().Order(StringComparer.Ordinal))})")));
if (cvOnly)
{
    // Leave-source-out (round 8): every text scored by a model that never saw its source; the regression alone and
    // with naive Bayes ratios mixed in; where each calibration weighting puts 0.8 on these margins, and where the
    // shipped calibration (rounds 3-8: fitted on cluster-fold margins, square-root weighting) puts it.
    var benignAll = Enumerable.Range(0, examples.Count).Where(i => !examples[i].Attack).ToList();
    var shippedMargin = Calibration.MarginAtFpr(examples, benignAll, bestMargins!, heuristic, BenignWeighting.SquareRoot, Calibration.TargetFpr);
    var clusterMixed = nbMixes.Any(m => m != 0) ? CrossValidation.OutOfFoldMargins(examples, fold, shape, best!, Seed, augmented, threads, nbMixes) : [bestMargins!];
    var sourceMixed = CrossValidation.OutOfFoldMargins(examples, sourceFold, shape, best!, Seed, augmented, threads, nbMixes);
    for (var m = 0; m < nbMixes.Length; m++)
    {
        var cluster1 = CrossValidation.At(examples, clusterMixed[m], 0.01).TruePositiveRate;
        var cluster5 = CrossValidation.At(examples, clusterMixed[m], 0.05).TruePositiveRate;
        Console.WriteLine($"nb mix {nbMixes[m]}: cluster folds TPR {cluster1:0.000} / {cluster5:0.000} at FPR 1% / 5%; leave-source-out TPR {CrossValidation.At(examples, sourceMixed[m], 0.01).TruePositiveRate:0.000} / {CrossValidation.At(examples, sourceMixed[m], 0.05).TruePositiveRate:0.000} ({clock.Elapsed.TotalSeconds:0}s)");
        if (m == 0)
        {
            var (oldRecall, oldFpr) = Calibration.RatesAt(examples, sourceMixed[0], heuristic, shippedMargin);
            Console.WriteLine($"  shipped 0.8 (rounds 3-8 calibration: margin {shippedMargin:0.000}, cluster folds, square root) on leave-source-out margins: recall {oldRecall:0.000}, pooled FPR {oldFpr:P2}, mean benign-source FPR {Calibration.MeanSourceFpr(examples, sourceMixed[0], heuristic, shippedMargin):P2}");
        }

        foreach (var option in Enum.GetValues<BenignWeighting>())
        {
            var at = Calibration.MarginAtFpr(examples, benignAll, sourceMixed[m], heuristic, option, Calibration.TargetFpr);
            var (recall, fpr) = Calibration.RatesAt(examples, sourceMixed[m], heuristic, at);
            var (mean, _, worst) = Calibration.SourceTransfer(examples, sourceMixed[m], heuristic, option);
            Console.WriteLine($"  leave-source-out calibration {option}: 0.8 at margin {at:0.000}: recall {recall:0.000}, pooled FPR {fpr:P2}, mean benign-source FPR {Calibration.MeanSourceFpr(examples, sourceMixed[m], heuristic, at):P2}; source left out of the fit too: mean {mean:P2}, worst {worst}");
        }
    }

    foreach (var source in examples.Select(e => CrossValidation.Family(e.Source)).Distinct().Order(StringComparer.Ordinal))
    {
        var at = Calibration.MarginAtFpr(examples, benignAll, sourceMixed[0], heuristic, weighting, Calibration.TargetFpr);
        var members = Enumerable.Range(0, examples.Count).Where(i => CrossValidation.Family(examples[i].Source) == source).ToList();
        bool Hit(int i) => sourceMixed[0][i] >= at || heuristic[i] >= Calibration.DefaultThreshold;
        Console.WriteLine($"  left out: {source,-24} attacks {members.Count(i => examples[i].Attack),4}: recall {members.Where(i => examples[i].Attack).Select(i => Hit(i) ? 1.0 : 0).DefaultIfEmpty(double.NaN).Average():0.000}; benign {members.Count(i => !examples[i].Attack),4}: flagged {members.Count(i => !examples[i].Attack && Hit(i))}");
    }

    // Where the out-of-fold errors are (training data only): recall per source at FPR 1 % and the benign texts above that cut.
    var cut = CrossValidation.At(examples, bestMargins!, 0.01).Threshold;
    var heuristicScores = heuristic;
    var benignIndices = benignAll;
    foreach (var option in Enum.GetValues<BenignWeighting>())
    {
        // Where each weighting puts the default threshold, and how its 1 % holds on a benign source it did not see.
        var at = Calibration.MarginAtFpr(examples, benignIndices, bestMargins!, heuristicScores, option, Calibration.TargetFpr);
        var (mean, max, worst) = Calibration.SourceTransfer(examples, bestMargins!, heuristicScores, option);
        var (recall, fpr) = Calibration.RatesAt(examples, bestMargins!, heuristicScores, at);
        Console.WriteLine($"calibration {option}: 0.8 at margin {at:0.000}: recall {recall:0.000}, pooled FPR {fpr:P2}; left-out benign source FPR mean {mean:P2}, worst {worst}");
    }

    Console.WriteLine($"heuristics alone at {Calibration.DefaultThreshold}: recall {Enumerable.Range(0, examples.Count).Count(i => examples[i].Attack && heuristicScores[i] >= Calibration.DefaultThreshold) / (double)examples.Count(e => e.Attack):0.000}, benign flagged {Enumerable.Range(0, examples.Count).Count(i => !examples[i].Attack && heuristicScores[i] >= Calibration.DefaultThreshold)} of {examples.Count(e => !e.Attack)}");
    foreach (var i in Enumerable.Range(0, examples.Count).Where(i => !examples[i].Attack && heuristicScores[i] >= Calibration.DefaultThreshold))
    {
        var text = samples[i].Text.ReplaceLineEndings(" ");
        Console.WriteLine($"  heuristic fp {heuristicScores[i]:0.00} {samples[i].Source}: {text[..Math.Min(120, text.Length)]}");
    }

    foreach (var source in examples.Select(e => e.Source).Distinct().Order(StringComparer.Ordinal))
    {
        var members = Enumerable.Range(0, examples.Count).Where(i => examples[i].Source == source).ToList();
        var attacks = members.Where(i => examples[i].Attack).ToList();
        var benignTexts = members.Where(i => !examples[i].Attack).ToList();
        Console.WriteLine($"  {source,-24} attacks {attacks.Count,4}: recall {(attacks.Count == 0 ? double.NaN : attacks.Count(i => bestMargins![i] >= cut) / (double)attacks.Count):0.000}; benign {benignTexts.Count,4}: flagged {benignTexts.Count(i => bestMargins![i] >= cut)}");
    }

    foreach (var i in Enumerable.Range(0, examples.Count).Where(i => !examples[i].Attack).OrderByDescending(i => bestMargins![i]).Take(20))
    {
        var text = samples[i].Text.ReplaceLineEndings(" ");
        Console.WriteLine($"  fp {bestMargins![i]:0.00} {samples[i].Source}: {text[..Math.Min(120, text.Length)]}");
    }

    return 0;
}

// The calibration is fitted on the grid's cluster-fold margins (the default, rounds 3-8) or, with --calibration-folds
// source, on margins of models that never saw the text's source (round 8's experiment, not the default).
var nbMix = nbMixes[0];
var calibrationMargins = calibrationFolds == "source"
    ? CrossValidation.OutOfFoldMargins(examples, sourceFold, shape, best!, Seed, augmented, threads, [nbMix])[0]
    : nbMix == 0 ? bestMargins! : CrossValidation.OutOfFoldMargins(examples, fold, shape, best!, Seed, augmented, threads, [nbMix])[0];
var (scale, offset, margin) = Calibration.Fit(examples, calibrationMargins, heuristic, weighting, slopeMargins: nbMix == 0 ? bestMargins! : null);
var (transferMean, _, transferWorst) = Calibration.SourceTransfer(examples, calibrationMargins, heuristic, weighting);
var (recallAtDefault, pooledFpr) = Calibration.RatesAt(examples, calibrationMargins, heuristic, margin);
var meanSourceFpr = Calibration.MeanSourceFpr(examples, calibrationMargins, heuristic, margin);
var (clusterRecall, clusterFpr) = Calibration.RatesAt(examples, bestMargins!, heuristic, margin);
var heuristicFpr = (double)Enumerable.Range(0, examples.Count).Count(i => !examples[i].Attack && heuristic[i] >= Calibration.DefaultThreshold) / examples.Count(e => !e.Attack);
List<TrainingExample> everything = [.. examples, .. augmented.Select(a => a.Item1)];
var (regression, bias) = new LogisticTrainer(shape, best!, Seed).Train(everything);
var weights = nbMix == 0 ? regression : NaiveBayesRatios.Mix(regression, NaiveBayesRatios.Fit(everything, shape.Bits), nbMix);
var model = new InjectionModel(shape.Bits, shape.Window, shape.Stride, bias, scale, offset, weights);
using (var stream = new BufferedStream(File.Create(output), 1 << 16))
{
    InjectionModelFile.Write(stream, model);
}

var modelHash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(output))).ToLowerInvariant();
var dataHash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(data))).ToLowerInvariant();
var card = Path.ChangeExtension(output, ".card.md");
File.WriteAllText(card, $"""
    # Built-in prompt-injection model

    Written by `dotnet run -c Release --project tools/KeepTrusts.Train`; do not edit. See docs/policies.md.

    | | |
    | --- | --- |
    | model | `{Path.GetFileName(output)}`, {new FileInfo(output).Length} bytes, SHA-256 `{modelHash}` |
    | training data | `{Path.GetRelativePath(root, data).Replace('\\', '/')}`, {examples.Count} samples ({examples.Count(e => e.Attack)} attacks), SHA-256 `{dataHash}` |
    | features | hashed word uni/bigrams, sentence-initial words, token shapes and shape pairs, character 3-5-grams; 2^{shape.Bits} slots, windows of {shape.Window} chars every {shape.Stride}; each feature counted once per block of {shape.Stride} chars |
    | augmentation | {augmented.Count} texts made from the training set's own: {augmentCopies} per attack of at most 400 characters placed in a benign carrier (question, e-mail, code comment, tool-result JSON, HTML comment, between paragraphs), each with a benign twin in the same carrier |
    | chosen by {folds}-fold CV on the training data (folds of whole near-duplicate clusters) | L2 {best!.L2:0e0}, {best.Epochs} epochs, AdaGrad rate {best.LearningRate}, benign boost {best.BenignBoost}, source balance {best.SourceBalance}{(best.FeatureDropout > 0 ? $", feature dropout {best.FeatureDropout}" : "")}{(nbMix != 0 ? $", naive Bayes ratios mixed in ×{nbMix}" : "")}, seed {Seed} |
    | calibration | scale {scale:0.0000}, offset {offset:0.0000}: score 0.8 at out-of-fold margin {margin:0.0000} ({(calibrationFolds == "source" ? $"leave-source-out: {sourceGroups} folds of whole sources, each text scored by a model that never saw its source" : $"{folds} folds of near-duplicate clusters")}), where heuristics + model flag {Calibration.TargetFpr:P1} of the benign texts weighted {weighting} (heuristics alone: {heuristicFpr:P2} of all benign texts); out of fold at 0.8: recall {recallAtDefault:0.000}, FPR {pooledFpr:P2} of all benign texts, {meanSourceFpr:P2} for the mean benign source; a benign source left out of the fit too: mean FPR {transferMean:P2} at its 0.8, worst {transferWorst}; on the cluster-fold margins (sources seen in training) at 0.8: recall {clusterRecall:0.000}, FPR {clusterFpr:P2} |

    Cross-validation (out-of-fold, training data only):

    | L2 | epochs | rate | benign boost | source balance | TPR at FPR 1% | TPR at FPR 5% |
    | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
    {string.Join("\n", lines)}

    """.Replace("\r\n", "\n"));
Console.WriteLine($"cluster-fold margins at the same 0.8 (sources seen in training): recall {clusterRecall:0.000}, FPR {clusterFpr:P2}");
Console.WriteLine($"chosen: l2 {best.L2:0e0}, epochs {best.Epochs}, rate {best.LearningRate}, benign boost {best.BenignBoost}, source balance {best.SourceBalance}; calibration {weighting}: recall {recallAtDefault:0.000}, FPR {pooledFpr:P2} at 0.8 out of fold, left-out source FPR mean {transferMean:P2}, worst {transferWorst}; scale {scale:0.0000} offset {offset:0.0000}");
Console.WriteLine($"wrote {output} ({new FileInfo(output).Length} bytes, sha256 {modelHash}) and {card} in {clock.Elapsed.TotalSeconds:0}s");
return 0;

static string FindRepoRoot()
{
    for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "KeepTrusts.sln")))
        {
            return directory.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
