namespace KeepTrusts.Train;

/// <summary>
/// Groups near-duplicate training texts so cross-validation never scores a text with a model that trained on its
/// variant (jailbreak templates filled with different questions, a document with and without a planted instruction):
/// word 3-gram shingles, pairs sharing a shingle compared exactly through an inverted index, Jaccard ≥ 0.5 joins
/// them (union-find, so chains of variants end up together). The same rule data/injection/MANIFEST.md uses to split
/// train from holdout, so out-of-fold figures are not more optimistic than the holdout split.
/// </summary>
internal static class NearDuplicateClusters
{
    private const double MinJaccard = 0.5;

    /// <summary>Shingles shared by more texts than this are boilerplate and do not propose pairs (rarer shingles still do).</summary>
    private const int MaxPosting = 200;

    public static int[] Assign(IReadOnlyList<string> texts)
    {
        var shingles = texts.Select(Shingles).ToArray();
        var postings = new Dictionary<ulong, List<int>>();
        for (var i = 0; i < shingles.Length; i++)
        {
            foreach (var s in shingles[i])
            {
                if (!postings.TryGetValue(s, out var list))
                {
                    postings[s] = list = [];
                }

                list.Add(i);
            }
        }

        var parent = Enumerable.Range(0, texts.Count).ToArray();
        var compared = new HashSet<long>();
        foreach (var list in postings.Values.Where(l => l.Count > 1 && l.Count <= MaxPosting))
        {
            for (var a = 0; a < list.Count; a++)
            {
                for (var b = a + 1; b < list.Count; b++)
                {
                    var (i, j) = (list[a], list[b]);
                    if (Find(parent, i) == Find(parent, j) || !compared.Add(((long)i << 32) | (uint)j))
                    {
                        continue;
                    }

                    if (Jaccard(shingles[i], shingles[j]) >= MinJaccard)
                    {
                        parent[Find(parent, i)] = Find(parent, j);
                    }
                }
            }
        }

        return Enumerable.Range(0, texts.Count).Select(i => Find(parent, i)).ToArray();
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }

    private static double Jaccard(HashSet<ulong> a, HashSet<ulong> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        var shared = small.Count(large.Contains);
        return (double)shared / (a.Count + b.Count - shared);
    }

    /// <summary>Word 3-grams of letters and digits; character 4-grams for text without spaces (zh, ja).</summary>
    private static HashSet<ulong> Shingles(string text)
    {
        var lowered = text.ToLowerInvariant();
        var words = lowered.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => new string(w.Where(char.IsLetterOrDigit).ToArray())).Where(w => w.Length > 0).ToArray();
        var set = new HashSet<ulong>();
        if (words.Length >= 3 && words.Length * 8 > lowered.Length / 4)
        {
            for (var i = 0; i + 2 < words.Length; i++)
            {
                set.Add(Hash(words[i] + " " + words[i + 1] + " " + words[i + 2]));
            }
        }
        else
        {
            var letters = new string(lowered.Where(char.IsLetterOrDigit).ToArray());
            for (var i = 0; i + 3 < letters.Length; i++)
            {
                set.Add(Hash(letters.Substring(i, 4)));
            }
        }

        return set;
    }

    private static ulong Hash(string s)
    {
        var h = 14695981039346656037UL;
        foreach (var c in s)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h;
    }
}
