using KeepTrusts.Engine.Policies.PromptInjection;

namespace KeepTrusts.Engine.Tests.Policies;

public sealed class StaticWordEmbeddingsTests
{
    private const int Bits = 16;
    private const int Dimension = 4;

    /// <summary>The hash the featurizer gives a single word: the key the table is looked up by.</summary>
    private static uint Hash(string word)
    {
        var sink = new WordSink(new List<uint>());
        InjectionFeaturizer.Featurize(word, Bits, ref sink);
        return Assert.Single(sink.Words);
    }

    /// <summary>"zqxj" and its near-synonym "wvut" point one way, "tree" and "the" another (int8 values, scale 1/100).</summary>
    private static StaticWordEmbeddings Table() => new(
        [Hash("zqxj"), Hash("wvut"), Hash("tree"), Hash("the")],
        [0.01f, 0.01f, 0.01f, 0.01f],
        [100, 0, 0, 0, /* wvut */ 90, 10, 0, 0, /* tree */ 0, 0, 100, 0, /* the */ 0, 0, 100, 0],
        Dimension);

    /// <summary>A model that knows no n-gram at all: only the embedding weights score, +8 along zqxj's direction, −8 along tree's.</summary>
    private static InjectionModel EmbeddingOnlyModel(StaticWordEmbeddings table) =>
        new(Bits, window: 256, stride: 128, bias: -3, scale: 1, offset: 0, new float[1 << Bits], [8, 0, -8, 0], table);

    private static string Prose(int length)
    {
        var text = new System.Text.StringBuilder();
        while (text.Length < length)
        {
            text.Append("quarterly capacity plan lists deployments, their regions and expected traffic. ");
        }

        return text.ToString(0, length);
    }

    [Fact]
    public void A_table_finds_the_vectors_of_its_words_and_nothing_for_other_words()
    {
        var table = Table();
        var sum = new float[Dimension];

        Assert.True(table.Add(Hash("wvut"), sum));
        Assert.False(table.Add(Hash("quarterly"), sum));
        Assert.Equal([0.9f, 0.1f, 0, 0], sum);
    }

    [Fact]
    public void Embedding_weights_flag_a_word_whose_n_grams_the_model_never_weighed()
    {
        var model = EmbeddingOnlyModel(Table());

        // "wvut" shares no n-gram with "zqxj"; it scores through its vector alone.
        Assert.True(model.Probability("please wvut now") > 0.98, $"{model.Probability("please wvut now")}");
        Assert.True(model.Probability("please tree now") < 0.01);
        Assert.Equal(1 / (1 + Math.Exp(3)), model.Probability("please now"), 6);
    }

    [Fact]
    public void A_window_vector_is_the_mean_direction_of_its_words()
    {
        var model = EmbeddingOnlyModel(Table());

        // One "wvut" among three "the": the pooled direction leans to "the", so the window scores low.
        Assert.True(model.Probability("wvut the the the") < 0.01);
        Assert.True(model.Probability("wvut wvut wvut wvut the") > 0.9);
    }

    [Fact]
    public void A_word_vector_deep_in_a_long_text_decides_its_window()
    {
        var model = EmbeddingOnlyModel(Table());
        var prose = Prose(20_000);
        var buried = prose[..10_000] + " wvut wvut " + prose[10_000..];

        Assert.True(model.Probability(buried) > 0.98, $"buried {model.Probability(buried)}");
        Assert.True(model.Probability(prose) < 0.1);
    }

    [Fact]
    public void Table_and_model_files_with_embedding_weights_round_trip_bit_for_bit()
    {
        var table = Table();
        using var tableFile = new MemoryStream();
        StaticWordEmbeddings.Write(tableFile, [Hash("zqxj"), Hash("wvut"), Hash("tree"), Hash("the")], [0.01f, 0.01f, 0.01f, 0.01f],
            [100, 0, 0, 0, 90, 10, 0, 0, 0, 0, 100, 0, 0, 0, 100, 0], Dimension);
        tableFile.Position = 0;
        var readTable = StaticWordEmbeddings.Read(tableFile, "table.bin");

        var model = EmbeddingOnlyModel(table);
        using var first = new MemoryStream();
        InjectionModelFile.Write(first, model);
        first.Position = 0;
        var read = InjectionModelFile.Read(first, "model.bin", readTable);
        using var second = new MemoryStream();
        InjectionModelFile.Write(second, read);

        Assert.Equal(first.ToArray(), second.ToArray());
        Assert.Equal(model.Probability("a wvut b"), read.Probability("a wvut b"));
    }

    [Fact]
    public void A_truncated_or_foreign_table_is_refused_with_its_name()
    {
        using var stream = new MemoryStream();
        StaticWordEmbeddings.Write(stream, [Hash("zqxj")], [0.01f], [1, 2, 3, 4], Dimension);
        var truncated = new MemoryStream(stream.ToArray()[..20]);
        var foreign = new MemoryStream("KTPI not a table at all"u8.ToArray());

        Assert.Contains("table.bin: truncated", Assert.Throws<InvalidDataException>(() => StaticWordEmbeddings.Read(truncated, "table.bin")).Message);
        Assert.Contains("table.bin: not a KeepTrusts word embedding table", Assert.Throws<InvalidDataException>(() => StaticWordEmbeddings.Read(foreign, "table.bin")).Message);
    }

    [Fact]
    public void The_builtin_model_reads_the_builtin_table_and_both_fit_the_size_budget()
    {
        var model = InjectionModelFile.Builtin;
        var table = StaticWordEmbeddings.Builtin;
        var bytes = (4L << model.Bits) + 4L * model.DenseWeights.Length + (long)table.Rows * (8 + table.Dimension);

        Assert.Equal(table.Dimension, model.DenseWeights.Length);
        Assert.True(bytes <= 10 * 1024 * 1024, $"{bytes} bytes");
        Assert.True(table.Rows > 10_000, $"{table.Rows} words");
    }

    private readonly struct WordSink(List<uint> words) : IFeatureSink
    {
        public List<uint> Words => words;

        public void Add(int position, int index)
        {
        }

        public void Word(int position, uint hash) => words.Add(hash);
    }
}
