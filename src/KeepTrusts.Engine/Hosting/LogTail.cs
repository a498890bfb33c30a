using System.Text;

namespace KeepTrusts.Engine.Hosting;

/// <summary>Reads the lines appended to a log file since the last read (the file may not exist yet).</summary>
public sealed class LogTail(string path) : IDisposable
{
    private readonly Queue<string> _recent = new();
    private readonly StringBuilder _partial = new();
    private FileStream? _stream;
    private StreamReader? _reader;

    public IEnumerable<string> ReadNewLines()
    {
        if (_reader is null)
        {
            if (!File.Exists(path))
            {
                yield break;
            }

            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            _reader = new StreamReader(_stream, Encoding.UTF8);
        }

        var buffer = new char[4096];
        int read;
        while ((read = _reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            _partial.Append(buffer, 0, read);
        }

        var text = _partial.ToString();
        var last = text.LastIndexOf('\n');
        if (last < 0)
        {
            yield break;
        }

        _partial.Clear().Append(text, last + 1, text.Length - last - 1);
        foreach (var line in text[..last].Split('\n'))
        {
            var clean = line.TrimEnd('\r');
            _recent.Enqueue(clean);
            while (_recent.Count > 50)
            {
                _recent.Dequeue();
            }

            yield return clean;
        }
    }

    public string LastLines(int count) => string.Join(Environment.NewLine, _recent.TakeLast(count));

    public void Dispose()
    {
        _reader?.Dispose();
        _stream?.Dispose();
    }
}
