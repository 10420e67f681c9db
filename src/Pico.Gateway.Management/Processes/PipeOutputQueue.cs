using System.Runtime.InteropServices;

namespace Pico.Gateway.Management.Processes;

/// <summary>
/// The hand-off between a pipe's reader and the line splitter. A read that did not fill the buffer means the gateway is not
/// ahead of us: the reader splits it itself, at once, because waking another thread costs more than splitting a few lines
/// (a log line every few seconds, or a gateway writing one line per write). A full read means a burst: the chunk is queued
/// for the splitter thread, so the gateway's writes wait only for a copy. Nobody spins: a waiting thread blocks on the monitor.
/// Chunks are anonymous mappings and at most <see cref="SpareChunks"/> are kept after a burst, so a burst leaves nothing in the
/// managed heap for an idle host to carry (the heap is only given back after a collection, which an idle host never has).
/// The splitter thread is started at the first burst: a gateway that never floods its pipe costs one thread per pipe, not two.
/// </summary>
internal sealed unsafe class PipeOutputQueue
{
    private const int SpareChunks = 2;

    private readonly object _gate = new();
    private readonly Queue<(nint Chunk, int Count)> _queue = new();
    private readonly Stack<nint> _spare = new();
    private readonly LineSplitter _splitter;
    private readonly int _chunkBytes;
    private readonly int _maxQueued;
    private readonly Action _startSplitterThread;
    private bool _splitting;
    private bool _completed;
    private bool _splitterStarted;
    private TaskCompletionSource? _done;

    public PipeOutputQueue(LineSplitter splitter, int chunkBytes, int maxQueued, Action startSplitterThread)
    {
        _splitter = splitter;
        _chunkBytes = chunkBytes;
        _maxQueued = maxQueued;
        _startSplitterThread = startSplitterThread;
    }

    /// <summary>A chunk of <c>chunkBytes</c> to read into; it comes back through <see cref="Deliver"/> or <see cref="Release"/>.</summary>
    public byte* Rent()
    {
        lock (_gate)
        {
            if (_spare.TryPop(out var chunk))
            {
                return (byte*)chunk;
            }
        }

        var mapped = LibC.mmap(0, (nuint)_chunkBytes, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
        if (mapped == LibC.MAP_FAILED)
        {
            throw new InsufficientMemoryException($"mmap of a {_chunkBytes}-byte output chunk failed (errno {Marshal.GetLastPInvokeError()})");
        }

        return (byte*)mapped;
    }

    /// <summary>Hands over <paramref name="count"/> bytes read into <paramref name="chunk"/> (reader thread only).</summary>
    public void Deliver(byte* chunk, int count)
    {
        if (Enqueue(chunk, count) is { } startSplitter)
        {
            if (startSplitter)
            {
                _startSplitterThread();
            }

            return;
        }

        try
        {
            _splitter.Push(new ReadOnlySpan<byte>(chunk, count));
        }
        finally
        {
            Return(chunk, splitDone: true);
        }
    }

    /// <summary>Gives back a chunk that was not delivered (an empty or failed read).</summary>
    public void Release(byte* chunk) => Return(chunk, splitDone: false);

    /// <summary>
    /// No more chunks will come (reader thread only): the splitter completes once the queue is empty, then <paramref name="done"/>
    /// is set, by the splitter thread if a burst started one, else here.
    /// </summary>
    public void Complete(TaskCompletionSource done)
    {
        bool splitterRuns;
        lock (_gate)
        {
            _completed = true;
            _done = done;
            splitterRuns = _splitterStarted;
            Monitor.PulseAll(_gate);
        }

        if (!splitterRuns)
        {
            try
            {
                _splitter.Complete();
            }
            finally
            {
                lock (_gate)
                {
                    FreeSpares();
                }

                done.TrySetResult();
            }
        }
    }

    /// <summary>Splits queued chunks until <see cref="Complete"/> and the queue is empty, then completes the splitter (splitter thread).</summary>
    public void RunSplitter()
    {
        try
        {
            while (Dequeue() is { } next)
            {
                try
                {
                    _splitter.Push(new ReadOnlySpan<byte>((byte*)next.Chunk, next.Count));
                }
                finally
                {
                    Return((byte*)next.Chunk, splitDone: true);
                }
            }

            _splitter.Complete();
        }
        finally
        {
            TaskCompletionSource? done;
            lock (_gate)
            {
                FreeSpares();
                done = _done;
            }

            done?.TrySetResult();
        }
    }

    /// <summary>Queues the chunk unless the reader may split it itself (null); true when this is the first burst.</summary>
    private bool? Enqueue(byte* chunk, int count)
    {
        lock (_gate)
        {
            if (count < _chunkBytes && !_splitting && _queue.Count == 0)
            {
                _splitting = true;
                return null;
            }

            while (_queue.Count >= _maxQueued)
            {
                Monitor.Wait(_gate);
            }

            _queue.Enqueue(((nint)chunk, count));
            Monitor.PulseAll(_gate);
            var first = !_splitterStarted;
            _splitterStarted = true;
            return first;
        }
    }

    private (nint Chunk, int Count)? Dequeue()
    {
        lock (_gate)
        {
            while (_splitting || _queue.Count == 0)
            {
                if (_completed && !_splitting && _queue.Count == 0)
                {
                    return null;
                }

                Monitor.Wait(_gate);
            }

            _splitting = true;
            Monitor.PulseAll(_gate);
            return _queue.Dequeue();
        }
    }

    private void Return(byte* chunk, bool splitDone)
    {
        var free = false;
        lock (_gate)
        {
            if (splitDone)
            {
                _splitting = false;
                if (_queue.Count > 0 || _completed)
                {
                    Monitor.PulseAll(_gate);
                }
            }

            if (_spare.Count < SpareChunks)
            {
                _spare.Push((nint)chunk);
            }
            else
            {
                free = true;
            }
        }

        if (free)
        {
            _ = LibC.munmap((nint)chunk, (nuint)_chunkBytes);
        }
    }

    private void FreeSpares()
    {
        while (_spare.TryPop(out var chunk))
        {
            _ = LibC.munmap(chunk, (nuint)_chunkBytes);
        }
    }
}
