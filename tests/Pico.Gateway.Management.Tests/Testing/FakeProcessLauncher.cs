using System.Collections.Concurrent;
using Pico.Gateway.Management.Processes;

namespace Pico.Gateway.Management.Tests.Testing;

internal sealed class FakeProcessLauncher : IGatewayProcessLauncher
{
    private readonly ConcurrentQueue<FakeProcess> _started = new();
    private readonly ConcurrentQueue<FakeProcess> _attached = new();
    private int _nextPid = 1000;

    public string? SpawnError { get; set; }

    public bool NextIgnoresTerminate { get; set; }

    /// <summary>Gets or sets what each process started from now on runs when it is let run.</summary>
    public Action<FakeProcess>? OnLetRun { get; set; }

    public IReadOnlyList<FakeProcess> Started => [.. _started];

    public FakeProcess Last => _started.Last();

    public int LiveCount => _started.Count(process => !process.HasExited);

    public int MaxConcurrentLive { get; private set; }

    /// <summary>Gets the gateways followed as started outside the host, in order.</summary>
    public IReadOnlyList<FakeProcess> AttachedExternal => [.. _attached];

    /// <summary>Gets the pids that are gone by the time the manager attaches to them (supervision's ticks read it).</summary>
    public ConcurrentDictionary<int, bool> GoneBeforeAttach { get; } = new();

    public IGatewayProcess? AttachExternal(int processId, TimeProvider time)
    {
        if (GoneBeforeAttach.ContainsKey(processId))
        {
            return null;
        }

        var process = new FakeProcess(processId, new GatewayProcessStartInfo("external", [], null, new Dictionary<string, string>(), 0), new NoOutput());
        _attached.Enqueue(process);
        return process;
    }

    public IGatewayProcess Start(GatewayProcessStartInfo startInfo, IGatewayOutputHandler output, bool held = false)
    {
        if (SpawnError is not null)
        {
            throw new GatewaySpawnException(SpawnError);
        }

        var process = new FakeProcess(Interlocked.Increment(ref _nextPid), startInfo, output) { IgnoresTerminate = NextIgnoresTerminate, Held = held, OnLetRun = OnLetRun };
        _started.Enqueue(process);
        MaxConcurrentLive = Math.Max(MaxConcurrentLive, LiveCount);
        return process;
    }

    /// <summary>An external gateway's output goes wherever its starter sent it.</summary>
    private sealed class NoOutput : IGatewayOutputHandler
    {
        public void OnLine(GatewayLogStream stream, string text)
        {
        }
    }
}


internal sealed class FakeProcess(int id, GatewayProcessStartInfo startInfo, IGatewayOutputHandler output) : IGatewayProcess
{
    private readonly TaskCompletionSource<GatewayProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _terminateSignals;
    private int _killSignals;

    public int Id { get; } = id;

    public GatewayProcessStartInfo StartInfo { get; } = startInfo;

    public bool IgnoresTerminate { get; set; }

    /// <summary>Gets a value indicating whether the launcher was asked to hold the exec until <see cref="LetRun"/>.</summary>
    public bool Held { get; init; }

    /// <summary>Gets a value indicating whether the process was let run.</summary>
    public bool WasLetRun { get; private set; }

    /// <summary>Gets what runs when the process is let run (a test looks at the pid store at that moment).</summary>
    public Action<FakeProcess>? OnLetRun { get; init; }

    public void LetRun()
    {
        WasLetRun = true;
        OnLetRun?.Invoke(this);
    }

    public bool IgnoresKill { get; set; }

    public int TerminateSignals => Volatile.Read(ref _terminateSignals);

    public int KillSignals => Volatile.Read(ref _killSignals);

    public bool HasExited => _exited.Task.IsCompleted;

    public Task<GatewayProcessExit> Exited => _exited.Task;

    public Task OutputClosed => Task.CompletedTask;

    public Task OutputCompleted => Task.CompletedTask;

    public void SignalTerminate()
    {
        Interlocked.Increment(ref _terminateSignals);
        if (!IgnoresTerminate)
        {
            Exit(new GatewayProcessExit(null, 15));
        }
    }

    public void Kill()
    {
        Interlocked.Increment(ref _killSignals);
        if (!IgnoresKill)
        {
            Exit(new GatewayProcessExit(null, 9));
        }
    }

    public void Exit(GatewayProcessExit exit) => _exited.TrySetResult(exit);

    public void ExitWithCode(int code) => Exit(new GatewayProcessExit(code, null));

    public void WriteLine(GatewayLogStream stream, string text) => output.OnLine(stream, text);

    public void Dispose()
    {
    }
}
