using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Audit;

/// <summary>
/// The audit-logger: one JSON Lines record per request, hash-chained across daily files. A write completes only after
/// its line is on disk (fsync); concurrent writers share one fsync (group commit), so the cost per request stays small.
/// Files are opened for append only and never rewritten; any edit, deletion or reorder breaks the chain, which
/// <see cref="AuditLogVerifier"/> detects. <c>audit-head.json</c> (see <see cref="AuditHead"/>) names the last
/// acknowledged record so that records cut from the end are detected too; it is replaced at most once per head interval
/// (default 1 s) by a loop beside the writer, and on shutdown, never from inside a batch: writing, fsyncing and renaming
/// it after every batch was the largest audit cost per request (bench/README.md). One writer per directory: an exclusive
/// lock (<see cref="AuditDirectoryLock"/>) makes a second one refuse to start. Files older than retention_days are removed whole, after the last hash they
/// held is recorded in the anchor file so the chain stays verifiable.
/// </summary>
public sealed class AuditLogWriter : IAuditSink
{
    private readonly string _directory;
    private readonly int _retentionDays;
    private readonly bool _fsync;
    private readonly TimeProvider _time;
    private readonly AuditDirectoryLock _lock;
    private readonly byte[]? _headKey;
    private readonly CancellationTokenSource _stopping = new();
    // The once-a-second flush and head replacement: its own thread too (a head write is a write, an fsync and a
    // rename: milliseconds on a busy disk), woken by a timer of the writer's clock so tests can move time.
    private readonly TaskCompletionSource _diskFlushDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan _headInterval;
    private Acknowledged? _acknowledged;
    private Acknowledged? _headWritten;
    // Callers hand records to the writer thread through this list (swapped whole, so a batch is every record that
    // queued while the previous one was being written).
    private readonly object _incomingGate = new();
    private List<Pending> _incoming = new(64);
    private bool _closed;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Fsync mode: the writer hands written records to the sync thread, which fsyncs everything handed over so far in
    // one call (group commit) while the writer already puts the next batch into the kernel.
    private readonly object _syncGate = new();
    private List<Pending> _toSync = new(64);
    private Acknowledged? _toSyncLast;
    private bool _writerFinished;
    // Outcome records (detached: nobody waits for them) do not start an fsync of their own: they ride with the next
    // fsync a waited-for record starts, or go after the outcome sync delay (5 ms). An outcome-only fsync running when a request
    // record arrived made that request wait for two fsyncs (bench/README.md, round 9).
    private bool _toSyncWaited;
    private long _toSyncSince;
    private bool _syncIdle;
    private readonly TaskCompletionSource _syncDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FileStream? _file;
    private Microsoft.Win32.SafeHandles.SafeFileHandle? _handle;
    private DateOnly _fileDate;
    private long _seq;
    // The writer thread's one serialization buffer and JSON writer, reused for every record (a stream, a writer and
    // two arrays per record were a third of the full chain's allocations).
    private ArrayBufferWriter<byte> _line = new(4096);
    private Utf8JsonWriter? _json;
    // The last hash as the UTF-8 written into the next record's "prev"; its text only when a batch or the head needs it.
    private byte[] _prevUtf8 = Encoding.ASCII.GetBytes(AuditChain.Genesis);
    private string? _prevText = AuditChain.Genesis;

    private string PreviousHash
    {
        get => _prevText ??= Encoding.ASCII.GetString(_prevUtf8);
        set
        {
            _prevText = value;
            _prevUtf8 = Encoding.UTF8.GetBytes(value);
        }
    }

    /// <exception cref="AuditStartRefusedException">Another writer holds the directory, the head key is not set, or the log no longer reaches its head.</exception>
    /// <param name="headInterval">How often the head may be replaced while records arrive; <see cref="TimeSpan.Zero"/> replaces it after every batch (the old cadence, kept for the benchmark).</param>
    /// <param name="outcomeSyncDelay">The longest an outcome record waits for a shared fsync (default <see cref="DefaultOutcomeSyncDelay"/>; tests lengthen it).</param>
    public AuditLogWriter(AuditLoggerOptions options, string directory, TimeProvider? time = null, Func<string, string?>? readEnvironment = null, TimeSpan? headInterval = null, TimeSpan? outcomeSyncDelay = null)
    {
        _headInterval = headInterval ?? DefaultHeadInterval;
        _outcomeSyncDelay = outcomeSyncDelay ?? DefaultOutcomeSyncDelay;
        _directory = directory;
        _retentionDays = options.RetentionDays;
        _fsync = options.Fsync;
        _time = time ?? TimeProvider.System;
        System.IO.Directory.CreateDirectory(directory);
        _headKey = HeadKey(options, readEnvironment ?? Environment.GetEnvironmentVariable);
        _lock = AuditDirectoryLock.Acquire(directory);
        try
        {
            Resume();
            _headOnDisk = System.IO.File.Exists(AuditHead.PathIn(directory));
            Shipper = options.ShipToBlob is { } ship ? AuditBlobShipper.Create(ship, directory, readEnvironment ?? Environment.GetEnvironmentVariable) : null;
        }
        catch
        {
            _lock.Dispose();
            throw;
        }

        // Own threads, not the thread pool: both block in write/fsync for as long as the disk takes, and a pool thread
        // blocked there is one fewer to run requests on a 2-core host (bench/README.md, "p99 stalls: cause and fix").
        new Thread(WriteLoop) { IsBackground = true, Name = "kt-audit-write" }.Start();
        if (_fsync)
        {
            new Thread(SyncLoop) { IsBackground = true, Name = "kt-audit-fsync" }.Start();
        }
        else
        {
            _syncDone.SetResult();
        }

        if (_headInterval == TimeSpan.Zero && _fsync)
        {
            _diskFlushDone.SetResult();
        }
        else
        {
            new Thread(DiskFlushLoop) { IsBackground = true, Name = "kt-audit-head" }.Start();
        }
    }

    /// <summary>The longest a crash can leave the head behind the last acknowledged record (see docs/audit.md).</summary>
    public static readonly TimeSpan DefaultHeadInterval = TimeSpan.FromSeconds(1);

    public string Directory => _directory;

    /// <summary>The copy to Azure Blob, when ship_to_blob is configured.</summary>
    public AuditBlobShipper? Shipper { get; }

    /// <summary>Where each batch's, fsync's and head write's duration is reported (kt: /metrics); null: not measured.</summary>
    public IAuditWriterTimings? Timings { get; set; }

    public ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken = default) => new(Enqueue(record, written: null).Done!.Task);

    /// <summary>
    /// Queued and written to the kernel as <see cref="WriteAsync"/>, without a task: a task with a waiter was one thread-pool
    /// work item per outcome record after each fsync, and nobody needs the answer's outcome to be durable. Its fsync is
    /// the next one a waited-for record starts, or one at most <see cref="DefaultOutcomeSyncDelay"/> later.
    /// </summary>
    public void WriteDetached(AuditRecord record, Action<AuditRecord, Exception> failed)
    {
        try
        {
            Enqueue(new Pending(record, null, null, failed, Stopwatch.GetTimestamp()));
        }
        catch (ObjectDisposedException ex)
        {
            failed(record, ex);
        }
    }

    /// <summary>
    /// Same queue and group commit as <see cref="WriteAsync"/>, but released as soon as the batch's write reached the
    /// kernel: the fsync that makes it durable then runs while the upstream call is in flight. The writer completes the
    /// returned task with the answer itself (no async state machine per request).
    /// </summary>
    public ValueTask<RequestRecordWrite> WriteRequestAsync(AuditRecord record, CancellationToken cancellationToken = default) =>
        new(Enqueue(record, new TaskCompletionSource<RequestRecordWrite>(TaskCreationOptions.RunContinuationsAsynchronously)).Written!.Task);

    private Pending Enqueue(AuditRecord record, TaskCompletionSource<RequestRecordWrite>? written) =>
        Enqueue(new Pending(record, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), written, null, Stopwatch.GetTimestamp()));

    private Pending Enqueue(Pending pending)
    {
        lock (_incomingGate)
        {
            if (_closed)
            {
                throw new ObjectDisposedException(nameof(AuditLogWriter), "the audit log is closed");
            }

            _incoming.Add(pending);
            if (_incoming.Count == 1)
            {
                Monitor.Pulse(_incomingGate);
            }
        }

        return pending;
    }

    /// <summary>The writer thread: takes everything queued, serializes and chains it, and writes it to the kernel.</summary>
    private void WriteLoop()
    {
        var taken = new List<Pending>(64);
        var buffer = new MemoryStream(64 * 1024);
        try
        {
            while (true)
            {
                lock (_incomingGate)
                {
                    while (_incoming.Count == 0 && !_closed)
                    {
                        Monitor.Wait(_incomingGate);
                    }

                    if (_incoming.Count == 0)
                    {
                        return;
                    }

                    (taken, _incoming) = (_incoming, taken);
                }

                // At most 512 records per write, so the first of a long queue are released without waiting for the last.
                // The usual batch fits in one write and goes as it is (WriteBatch copies what it hands on), not copied.
                if (taken.Count <= MaxBatch)
                {
                    WriteBatch(taken, buffer);
                }
                else
                {
                    for (var first = 0; first < taken.Count; first += MaxBatch)
                    {
                        WriteBatch(taken.GetRange(first, Math.Min(MaxBatch, taken.Count - first)), buffer);
                    }
                }

                taken.Clear();
            }
        }
        finally
        {
            lock (_syncGate)
            {
                _writerFinished = true;
                Monitor.Pulse(_syncGate);
            }

            _writerDone.TrySetResult();
        }
    }

    private const int MaxBatch = 512;

    private void WriteBatch(List<Pending> batch, MemoryStream buffer)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var date = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
            if (_file is null || date != _fileDate)
            {
                Roll(date);
            }

            buffer.SetLength(0);
            foreach (var pending in batch)
            {
                AppendLine(buffer, pending.Record);
            }

            _file!.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            _file.Flush(flushToDisk: false);
            var written = new Acknowledged(_seq, PreviousHash, _fileDate);
            foreach (var pending in batch)
            {
                pending.Written?.TrySetResult(new RequestRecordWrite(true, pending.Done!.Task));   // in the kernel now: a killed process can no longer lose it
            }

            Timings?.Written(batch.Count, Stopwatch.GetElapsedTime(batch[0].Enqueued, started), Stopwatch.GetElapsedTime(started));
            if (_fsync)
            {
                // Durable once the sync thread's next fsync returns; meanwhile this thread writes the next batch.
                lock (_syncGate)
                {
                    if (_toSync.Count == 0)
                    {
                        _toSyncSince = Stopwatch.GetTimestamp();
                    }

                    _toSync.AddRange(batch);
                    _toSyncLast = written;
                    var waited = AnyWaited(batch);
                    _toSyncWaited |= waited;
                    if (waited || _syncIdle)
                    {
                        // A waiting caller: fsync now. Outcomes only: wake a sync thread asleep without a deadline so
                        // it starts the outcome sync delay's clock; one already waiting on that clock needs no wake-up.
                        Monitor.Pulse(_syncGate);
                    }
                }

                return;
            }

            // Without fsync the write above already reached the kernel (a killed process loses nothing); the disk flush
            // loop syncs once a second beside the writes, so no request waits for it.
            Volatile.Write(ref _acknowledged, written);
            if (_headInterval == TimeSpan.Zero || !_headOnDisk)
            {
                _file.Flush(flushToDisk: true);   // the head must not run ahead of the log on disk
                WriteHeadNow(written);
            }

            Shipper?.Notify();
            foreach (var pending in batch)
            {
                pending.Done?.TrySetResult();
            }
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
            {
                pending.Written?.TrySetException(ex);
                pending.Fail(ex);
            }
        }
    }

    /// <summary>
    /// The sync thread (fsync mode): one fsync for everything written since the last one (group commit), then the
    /// records it covered are durable and their callers released. Never behind a write: the writer keeps writing while
    /// this fsync runs, so a record reaches the kernel without waiting for an earlier batch's fsync.
    /// </summary>
    private void SyncLoop()
    {
        var taken = new List<Pending>(64);
        try
        {
            while (true)
            {
                Acknowledged last;
                lock (_syncGate)
                {
                    while (!_toSyncWaited && !_writerFinished)
                    {
                        if (_toSync.Count == 0)
                        {
                            _syncIdle = true;
                            Monitor.Wait(_syncGate);
                            _syncIdle = false;
                            continue;
                        }

                        // Only outcome records: wait for a waited-for record to share the fsync, at most until the
                        // oldest has waited the outcome sync delay.
                        var left = _outcomeSyncDelay - Stopwatch.GetElapsedTime(_toSyncSince);
                        if (left <= TimeSpan.Zero)
                        {
                            break;
                        }

                        Monitor.Wait(_syncGate, (int)Math.Ceiling(left.TotalMilliseconds));   // whole ms: never a 0-ms spin
                    }

                    if (_toSync.Count == 0)
                    {
                        return;
                    }

                    (taken, _toSync) = (_toSync, taken);
                    last = _toSyncLast!;
                    _toSyncWaited = false;
                }

                try
                {
                    var started = Stopwatch.GetTimestamp();
                    FlushCurrentFile();
                    Timings?.Synced(taken.Count, Stopwatch.GetElapsedTime(started));
                    Volatile.Write(ref _acknowledged, last);
                    if (_headInterval == TimeSpan.Zero || !_headOnDisk)
                    {
                        // The first batch of a new log gets its head at once: a live log is never without one, which
                        // verify would rightly call a removed head.
                        WriteHeadNow(last);
                    }

                    Shipper?.Notify();
                    foreach (var pending in taken)
                    {
                        pending.Done?.TrySetResult();
                    }
                }
                catch (Exception ex)
                {
                    foreach (var pending in taken)
                    {
                        pending.Fail(ex);
                    }
                }

                taken.Clear();
            }
        }
        finally
        {
            _syncDone.TrySetResult();
        }
    }

    /// <summary>The longest an outcome record (already in the kernel) waits for an fsync a waited-for record starts.</summary>
    public static readonly TimeSpan DefaultOutcomeSyncDelay = TimeSpan.FromMilliseconds(5);

    private readonly TimeSpan _outcomeSyncDelay;

    private static bool AnyWaited(List<Pending> batch)
    {
        foreach (var pending in batch)
        {
            if (pending.Done is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// fsyncs the file the writer appends to now. Records handed over were written before the handle is read here;
    /// if the writer rolled to a new day in between, it fsynced the old file before switching (Roll), so a handle
    /// closed under us only means: sync the new one.
    /// </summary>
    private void FlushCurrentFile()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (Volatile.Read(ref _handle) is { } handle)
                {
                    RandomAccess.FlushToDisk(handle);
                }

                return;
            }
            catch (ObjectDisposedException) when (attempt < 3)
            {
            }
        }
    }

    private void WriteHeadNow(Acknowledged at)
    {
        lock (_headGate)
        {
            if (!_headClosed)
            {
                WriteHead(at);
            }
        }
    }

    /// <summary>
    /// Records an acknowledged record; only ever called with a record whose batch already reached the disk (fsync mode)
    /// or after the disk flush that covers it, so the head never runs ahead of the log on disk.
    /// </summary>
    private void WriteHead(Acknowledged at)
    {
        var started = Stopwatch.GetTimestamp();
        var file = AuditChain.FileName(at.Date);
        var mac = _headKey is null ? null : AuditHead.ComputeMac(_headKey, at.Seq, at.Hash, file);
        new AuditHead(at.Seq, at.Hash, file, _time.GetUtcNow(), mac).Write(_directory, flushToDisk: _fsync || _headInterval != TimeSpan.Zero);
        _headWritten = at;
        _headOnDisk = true;
        Timings?.HeadWritten(Stopwatch.GetElapsedTime(started));
    }

    private static byte[]? HeadKey(AuditLoggerOptions options, Func<string, string?> readEnvironment)
    {
        if (options.HeadKeyRef is not { Env: { Length: > 0 } name })
        {
            return null;
        }

        var value = readEnvironment(name);
        if (string.IsNullOrEmpty(value))
        {
            throw new AuditStartRefusedException($"policy.audit-logger.head_key_ref.env names {name}, which is not set: set it to the audit head key (at least 32 characters) or remove head_key_ref");
        }

        if (value.Length < 32)
        {
            throw new AuditStartRefusedException(string.Create(CultureInfo.InvariantCulture, $"the audit head key in {name} is {value.Length} characters; use at least 32 random characters (for example the output of 'openssl rand -hex 32')"));
        }

        return Encoding.UTF8.GetBytes(value);
    }

    /// <summary>
    /// Beside the writer, once per head interval: without per-batch fsync, flushes the current file to disk; then
    /// replaces the head with the last record acknowledged before that flush, if it moved. Neither waits a request.
    /// </summary>
    private void DiskFlushLoop()
    {
        var interval = _headInterval == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : _headInterval;
        using var tick = new AutoResetEvent(false);
        using var timer = _time.CreateTimer(_ =>
        {
            try
            {
                tick.Set();
            }
            catch (ObjectDisposedException)
            {
                // A tick racing the stop: nothing left to wake.
            }
        }, null, interval, interval);
        var handles = new[] { tick, _stopping.Token.WaitHandle };
        try
        {
            DiskFlushRounds(handles);
        }
        finally
        {
            _diskFlushDone.TrySetResult();
        }
    }

    private void DiskFlushRounds(WaitHandle[] handles)
    {
        while (WaitHandle.WaitAny(handles) == 0)
        {
            // Taken before the flush: everything up to it is in the kernel, so the flush below makes it durable.
            var acknowledged = Volatile.Read(ref _acknowledged);
            try
            {
                // fsync on the handle while the writer appends through it is safe: the kernel orders both.
                if (!_fsync && Volatile.Read(ref _handle) is { IsClosed: false } handle)
                {
                    RandomAccess.FlushToDisk(handle);
                }
            }
            catch (Exception ex) when (ex is ObjectDisposedException or IOException)
            {
                // The file rolled or closed under us: Roll synced the old file; the head waits for the next round.
                continue;
            }

            try
            {
                if (_headInterval != TimeSpan.Zero && acknowledged is not null && !ReferenceEquals(acknowledged, _headWritten))
                {
                    lock (_headGate)
                    {
                        if (!_headClosed)
                        {
                            WriteHead(acknowledged);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A failed head write leaves the previous head (behind, never ahead): retried next round.
            }
        }
    }

    private void AppendLine(MemoryStream buffer, AuditRecord record)
    {
        _seq++;
        _line.ResetWrittenCount();
        if (_json is null)
        {
            _json = new Utf8JsonWriter(_line);
        }
        else
        {
            _json.Reset(_line);
        }

        AuditChain.Write(_json, record, _seq, _prevUtf8);
        var body = _line.WrittenSpan;
        Span<byte> hash = stackalloc byte[AuditChain.HashHexLength];
        AuditChain.HashHex(body, hash);
        // The line is the hashed body with the hash as its last field.
        buffer.Write(body[..^1]);
        buffer.Write(",\"hash\":\""u8);
        buffer.Write(hash);
        buffer.Write("\"}\n"u8);
        if (_prevUtf8.Length != hash.Length)
        {
            _prevUtf8 = new byte[hash.Length];
        }

        hash.CopyTo(_prevUtf8);
        _prevText = null;
        if (_line.Capacity > 256 * 1024)
        {
            // A huge one-off record (long prompt content) does not keep its buffer for the writer's life.
            _line = new ArrayBufferWriter<byte>(4096);
            _json = null;
        }
    }

    /// <summary>Picks up the chain where the newest file ends (seq and last hash), recovering from a torn last line.</summary>
    private void Resume()
    {
        var newest = AuditChain.Files(_directory).LastOrDefault();
        if (newest is null)
        {
            var anchor = AuditChain.ReadAnchor(_directory);
            if (anchor is not null)
            {
                (_seq, PreviousHash) = (anchor.Value.Seq, anchor.Value.Hash);
            }

            CheckHead();
            return;
        }

        var bytes = File.ReadAllBytes(newest);
        var torn = bytes.Length > 0 && bytes[^1] != (byte)'\n';
        foreach (var line in AuditChain.Lines(bytes))
        {
            if (AuditChain.TryParse(line, out var entry))
            {
                (_seq, PreviousHash) = (entry.Seq, entry.Hash);
            }
        }

        CheckHead();
        if (torn)
        {
            // A crash cut the last line mid-write (its request was never answered). Append-only files cannot be
            // repaired in place: end the torn line and record the recovery, linked to the last good record.
            using var file = new FileStream(newest, FileMode.Append, FileAccess.Write, FileShare.Read);
            var tornBytes = bytes.Length - (Array.LastIndexOf(bytes, (byte)'\n') + 1);
            var buffer = new MemoryStream();
            buffer.WriteByte((byte)'\n');
            AppendLine(buffer, new AuditRecord { Time = _time.GetUtcNow(), RequestId = "audit-recovery", Path = "audit", ErrorCode = string.Create(CultureInfo.InvariantCulture, $"{AuditChain.RecoveredTornTail}:{tornBytes}") });
            file.Write(buffer.ToArray());
            file.Flush(flushToDisk: true);
            _fileDate = AuditChain.DateOf(newest) ?? DateOnly.MinValue;
            WriteHead(new Acknowledged(_seq, PreviousHash, _fileDate));
        }

        _fileDate = AuditChain.DateOf(newest) ?? DateOnly.MinValue;
    }

    /// <summary>
    /// A log that ends before the head it recorded lost records while no writer ran: refuse to write over the evidence.
    /// A head behind the log is normal after a power loss (the head is written after its batch).
    /// </summary>
    private void CheckHead()
    {
        AuditHead? head;
        try
        {
            head = AuditHead.Read(_directory);
        }
        catch (InvalidDataException ex)
        {
            throw new AuditStartRefusedException($"{AuditHead.PathIn(_directory)} is unreadable ({ex.Message}). Run 'kt audit verify {_directory}'; keep the directory as evidence and point policy.audit-logger.path at a new one.");
        }

        if (head is not null && (head.Seq > _seq || (head.Seq == _seq && head.Hash != PreviousHash)))
        {
            throw new AuditStartRefusedException(
                string.Create(CultureInfo.InvariantCulture, $"the audit log in {_directory} ends at seq {_seq}, but {AuditHead.FileName} records seq {head.Seq} in {head.File}: records were removed from its end. ") +
                $"Run 'kt audit verify {_directory}'; keep the directory as evidence and point policy.audit-logger.path at a new one to start a new chain.");
        }
    }

    private void Roll(DateOnly date)
    {
        _file?.Flush(flushToDisk: true);
        _file?.Dispose();
        _fileDate = date;
        var path = Path.Combine(_directory, AuditChain.FileName(date));
        // Append only: the writer can add to a file but never seeks back into it.
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
        // Taken here, on the writer's thread and before any write, for the disk flush loop to sync.
        Volatile.Write(ref _handle, _file.SafeFileHandle);
        ApplyRetention(date);
    }

    private void ApplyRetention(DateOnly today)
    {
        var cutoff = today.AddDays(-_retentionDays);
        var expired = AuditChain.Files(_directory).Where(f => AuditChain.DateOf(f) is { } d && d < cutoff).ToList();
        if (expired.Count == 0)
        {
            return;
        }

        // Record where the remaining chain starts before removing anything.
        long lastSeq = 0;
        var lastHash = AuditChain.Genesis;
        foreach (var line in AuditChain.Lines(File.ReadAllBytes(expired[^1])))
        {
            if (AuditChain.TryParse(line, out var entry))
            {
                (lastSeq, lastHash) = (entry.Seq, entry.Hash);
            }
        }

        AuditChain.WriteAnchor(_directory, lastSeq, lastHash, AuditChain.DateOf(expired[^1])!.Value);
        foreach (var file in expired)
        {
            File.Delete(file);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_incomingGate)
        {
            _closed = true;
            Monitor.PulseAll(_incomingGate);
        }

        await _writerDone.Task.ConfigureAwait(false);
        await _syncDone.Task.ConfigureAwait(false);
        _stopping.Cancel();
        await _diskFlushDone.Task.ConfigureAwait(false);
        // Disposal may come twice (the gateway and its composition both own the sink): only the first closes the file.
        var file = Interlocked.Exchange(ref _file, null);
        file?.Flush(flushToDisk: true);
        file?.Dispose();
        lock (_headGate)
        {
            // A clean stop leaves the head at the last record: no window in which a cut tail would go unseen.
            if (!_headClosed && Volatile.Read(ref _acknowledged) is { } last && !ReferenceEquals(last, _headWritten))
            {
                WriteHead(last);
            }

            _headClosed = true;
        }

        if (Shipper is not null)
        {
            await Shipper.DisposeAsync().ConfigureAwait(false);
        }

        _lock.Dispose();
    }

    private readonly object _headGate = new();
    private bool _headClosed;
    private bool _headOnDisk;

    /// <summary>A queued record: <paramref name="Done"/> for a waiting caller, or <paramref name="Failed"/> for a detached one.</summary>
    private sealed record Pending(AuditRecord Record, TaskCompletionSource? Done, TaskCompletionSource<RequestRecordWrite>? Written, Action<AuditRecord, Exception>? Failed, long Enqueued)
    {
        public void Fail(Exception ex)
        {
            Done?.TrySetException(ex);
            try
            {
                Failed?.Invoke(Record, ex);
            }
            catch (Exception)
            {
                // A failing report must not stop the audit thread; the record's failure is what matters.
            }
        }
    }

    /// <summary>The last record of a batch that reached the file: what the head may name.</summary>
    private sealed record Acknowledged(long Seq, string Hash, DateOnly Date);
}
