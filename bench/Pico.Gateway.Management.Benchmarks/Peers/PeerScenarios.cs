using Pico.Gateway.Management.Benchmarks.Infrastructure;
using Pico.Gateway.Management.Benchmarks.Scenarios;

namespace Pico.Gateway.Management.Benchmarks.Peers;

/// <summary>Scenarios 2-5 and 11 under supervisord and PM2, measured exactly as for ours (same child, same stamps, same pidfd witness).</summary>
internal static class PeerScenarios
{
    public static async Task SupervisordAsync(SupervisordPeer peer, int repetitions, int lines, Measurements into)
    {
        // (2) SIGKILL → EXITED event.
        for (var i = 0; i < repetitions + 1; i++)
        {
            var (pid, _, _) = await peer.StartGatewayAsync();
            var from = peer.Events.Count;
            var killed = Clock.Now();
            _ = Native.kill(pid, Native.SIGKILL);
            var (exited, _) = await peer.Events.WaitAsync(from, line => line.StartsWith("PROCESS_STATE_EXITED processname:gw ", StringComparison.Ordinal));
            if (i > 0)
            {
                into["crash"].Add(Clock.Ms(exited - killed));
            }
        }

        // (3) the gateway's exit → STOPPED event.
        for (var i = 0; i < repetitions + 1; i++)
        {
            var (pid, _, _) = await peer.StartGatewayAsync();
            var exit = ExitWatch.Start(pid);
            var from = peer.Events.Count;
            var requested = Clock.Now();
            await peer.CallAsync("supervisor.stopProcess", "gw", false);
            var (stopped, _) = await peer.Events.WaitAsync(from, line => line.StartsWith("PROCESS_STATE_STOPPED processname:gw ", StringComparison.Ordinal));
            var exited = await exit.WaitAsync();
            if (i > 0)
            {
                into["graceful"].Add(Clock.Ms(stopped - exited));
                into["graceful.request"].Add(Clock.Ms(stopped - requested));
            }
        }

        // (4) restart as supervisorctl does it (stopProcess, then startProcess) → the new gateway answering and reported RUNNING.
        var (oldPid, _, _) = await peer.StartGatewayAsync();
        for (var i = 0; i < repetitions + 1; i++)
        {
            var answered = AnswerAfterExit(oldPid, peer.Port);
            var from = peer.Events.Count;
            var requested = Clock.Now();
            await peer.CallAsync("supervisor.stopProcess", "gw", true);
            await peer.CallAsync("supervisor.startProcess", "gw", false);
            var (running, text) = await peer.Events.WaitAsync(from, line => line.StartsWith("PROCESS_STATE_RUNNING processname:gw ", StringComparison.Ordinal));
            oldPid = SupervisordPeer.PidOf(text);
            await answered;
            var first200 = await peer.Stamps.WaitAsync("first200", oldPid);
            if (i > 0)
            {
                into["restart"].Add(Clock.Ms(Math.Max(running, first200) - requested));
                into["restart.event"].Add(Clock.Ms(running - requested));
            }
        }

        var memory = peer.Memory();
        into["memory.idle.rss"].Add(memory.Rss / 1048576.0);
        await Idle.HostScenarios.IdleAsync(peer.ProcessId, "peer", into);

        // start request → its answer (what supervisorctl waits for with wait=false: the spawn, not the gateway's readiness).
        for (var i = 0; i < repetitions + 1; i++)
        {
            await peer.CallAsync("supervisor.stopProcess", "gw", true);
            var requested = Clock.Now();
            await peer.CallAsync("supervisor.startProcess", "gw", false);
            var answered = Clock.Now();
            if (i > 0)
            {
                into["peer.postStart"].Add(Clock.Ms(answered - requested));
            }
        }

        await peer.CallAsync("supervisor.stopProcess", "gw", true);
        await SupervisordFloodAsync(peer, repetitions, lines, into);

        // (11) SIGKILL of a running gateway with autorestart → the new one answering (the harness asks in supervisord's place).
        var from0 = peer.Events.Count;
        await peer.CallAsync("supervisor.startProcess", "gwr", false);
        var (_, started) = await peer.Events.WaitAsync(from0, line => line.StartsWith("PROCESS_STATE_RUNNING processname:gwr ", StringComparison.Ordinal));
        var crashed = SupervisordPeer.PidOf(started);
        _ = await peer.Stamps.WaitAsync("listen", crashed);
        for (var i = 0; i < repetitions + 1; i++)
        {
            var answered = AnswerAfterExit(crashed, peer.Port);
            var from = peer.Events.Count;
            var killed = Clock.Now();
            _ = Native.kill(crashed, Native.SIGKILL);
            var (running, text) = await peer.Events.WaitAsync(from, line => line.StartsWith("PROCESS_STATE_RUNNING processname:gwr ", StringComparison.Ordinal));
            crashed = SupervisordPeer.PidOf(text);
            await answered;
            var first200 = await peer.Stamps.WaitAsync("first200", crashed);
            if (i > 0)
            {
                into["crashRestart"].Add(Clock.Ms(Math.Max(running, first200) - killed));
            }
        }

        await peer.CallAsync("supervisor.stopProcess", "gwr", true);
    }

    /// <summary>(5) the flood child under supervisord, into its stdout_logfile.</summary>
    public static async Task SupervisordFloodAsync(SupervisordPeer peer, int repetitions, int lines, Measurements into)
    {
        var expected = LogFileWatch.ExpectedBytes(lines);
        for (var i = 0; i < repetitions + 1; i++)
        {
            var offset = LogFileWatch.Size(peer.FloodLog);
            var from = peer.Events.Count;
            await peer.CallAsync("supervisor.startProcess", "flood", false);
            var exitedEvent = peer.Events.WaitAsync(from, line => line.StartsWith("PROCESS_STATE_EXITED processname:flood ", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
            var landed = await LogFileWatch.WaitForSizeAsync(peer.FloodLog, offset + expected, exitedEvent, TimeSpan.FromMinutes(2));
            var (_, text) = await exitedEvent;
            var pid = SupervisordPeer.PidOf(text);
            var floodStart = await peer.FloodStamps.WaitAsync("flood-start", pid);
            var floodEnd = await peer.FloodStamps.WaitAsync("flood-end", pid);
            var captured = LogFileWatch.CountLines(peer.FloodLog, offset);
            if (i > 0)
            {
                RecordFlood(into, lines, captured, landed, floodStart, floodEnd);
            }
        }
    }

    public static async Task Pm2Async(Pm2Peer peer, int repetitions, int lines, Measurements into)
    {
        // (2) SIGKILL → exit event (autorestart off, so the app ends stopped).
        for (var i = 0; i < repetitions + 1; i++)
        {
            var (pid, _, _) = await peer.StartGatewayAsync();
            var from = peer.Output.Count;
            var killed = Clock.Now();
            _ = Native.kill(pid, Native.SIGKILL);
            var (exited, _) = await peer.WaitEventAsync(from, "exit", "gw");
            if (i > 0)
            {
                into["crash"].Add(Clock.Ms(exited - killed));
            }
        }

        // (3) the gateway's exit → exit event, after `pm2 stop`.
        for (var i = 0; i < repetitions + 1; i++)
        {
            var (pid, _, _) = await peer.StartGatewayAsync();
            var exit = ExitWatch.Start(pid);
            var from = peer.Output.Count;
            var (requested, _) = await peer.CommandAsync("stop gw");
            var (stopped, _) = await peer.WaitEventAsync(from, "exit", "gw");
            var exited = await exit.WaitAsync();
            if (i > 0)
            {
                into["graceful"].Add(Clock.Ms(stopped - exited));
                into["graceful.request"].Add(Clock.Ms(stopped - requested));
            }
        }

        // (4) `pm2 restart` → the new gateway answering and reported online.
        var (previousPid, _, _) = await peer.StartGatewayAsync();
        for (var i = 0; i < repetitions + 1; i++)
        {
            var answered = AnswerAfterExit(previousPid, peer.Port);
            var from = peer.Output.Count;
            var (requested, _) = await peer.CommandAsync("restart gw");
            var (online, _) = await peer.WaitEventAsync(from, "online", "gw");
            previousPid = await peer.PidAsync("gw");
            await answered;
            var first200 = await peer.Stamps.WaitAsync("first200", previousPid);
            if (i > 0)
            {
                into["restart"].Add(Clock.Ms(Math.Max(online, first200) - requested));
                into["restart.event"].Add(Clock.Ms(online - requested));
            }
        }

        var memory = peer.Memory();
        into["memory.idle.rss"].Add(memory.Rss / 1048576.0);
        await Idle.HostScenarios.IdleAsync(peer.DaemonPid, "peer", into);

        // `pm2 start` of the stopped app → the API's callback (stamped by the harness when the driver's line arrives).
        for (var i = 0; i < repetitions + 1; i++)
        {
            await peer.CommandAsync("stop gw");
            var requested = Clock.Now();
            await peer.CommandAsync("start gw");
            var answered = Clock.Now();
            if (i > 0)
            {
                into["peer.postStart"].Add(Clock.Ms(answered - requested));
            }
        }

        await peer.CommandAsync("delete gw");

        // (5) flood into out_file, a fresh file per run.
        var expected = LogFileWatch.ExpectedBytes(lines);
        for (var i = 0; i < repetitions + 1; i++)
        {
            var log = Path.Combine(peer.Directory, $"flood-{i}.out");
            peer.FloodStamps.Reset();
            var from = peer.Output.Count;
            await peer.CommandAsync($"start flood {log}");
            var exitedEvent = peer.WaitEventAsync(from, "exit", "flood");
            var landed = await LogFileWatch.WaitForSizeAsync(log, expected, exitedEvent, TimeSpan.FromMinutes(2));
            await exitedEvent.WaitAsync(TimeSpan.FromMinutes(2));
            var floodStart = peer.FloodStamps.TryGetLatest("flood-start", out var pid) ?? throw new InvalidOperationException("no flood-start stamp");
            var floodEnd = await peer.FloodStamps.WaitAsync("flood-end", pid);
            var captured = LogFileWatch.CountLines(log, 0);
            await peer.CommandAsync("delete flood");
            File.Delete(log);
            if (i > 0)
            {
                RecordFlood(into, lines, captured, landed, floodStart, floodEnd);
            }
        }

        // (11) SIGKILL of a running gateway with autorestart → the new one answering and reported online.
        var startFrom = peer.Output.Count;
        await peer.CommandAsync("start gwr");
        _ = await peer.WaitEventAsync(startFrom, "online", "gwr");
        var crashed = await peer.PidAsync("gwr");
        _ = await peer.Stamps.WaitAsync("listen", crashed);
        for (var i = 0; i < repetitions + 1; i++)
        {
            var answered = AnswerAfterExit(crashed, peer.Port);
            var from = peer.Output.Count;
            var killed = Clock.Now();
            _ = Native.kill(crashed, Native.SIGKILL);
            var (online, _) = await peer.WaitEventAsync(from, "online", "gwr");
            await answered;
            crashed = await peer.PidAsync("gwr");
            var first200 = await peer.Stamps.WaitAsync("first200", crashed);
            if (i > 0)
            {
                into["crashRestart"].Add(Clock.Ms(Math.Max(online, first200) - killed));
            }
        }

        await peer.CommandAsync("delete gwr");
    }

    /// <summary>
    /// The peers probe nothing, so the harness asks in their place: once the old gateway has exited (pidfd), GET /health is
    /// retried at once until the new one answers, and the child stamps that first 200. Generous to the peers: no poll interval.
    /// </summary>
    private static Task AnswerAfterExit(int oldPid, int port)
    {
        var exit = ExitWatch.Start(oldPid);
        return exit.Exited.ContinueWith(_ => Task.Run(() => OursScenarios.HammerHealth(port)), TaskScheduler.Default).Unwrap();
    }

    private static void RecordFlood(Measurements into, int lines, long captured, long? landed, long floodStart, long floodEnd)
    {
        into["flood.lost"].Add(lines - captured);
        if (landed is { } stamp)
        {
            into["flood.endToEndRate"].Add(lines / ((stamp - floodStart) / 1e9));
        }

        into["flood.childWriting"].Add(Clock.Ms(floodEnd - floodStart));
    }
}
