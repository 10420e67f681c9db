// Gateway dashboard: follows the sample host's HTTP surface (/api/gateway/*).
// The event stream drives everything: each message is a full status snapshot; after each one the log
// panel catches up incrementally. A slow timer (only while the page is visible) also catches up on log
// lines written between state changes, and reads the status itself while the stream is down.
(() => {
  'use strict';

  const MAX_LOG_LINES = 2000;
  const POLL_INTERVAL_MS = 2000;
  const RECONNECT_BASE_MS = 1000;
  const RECONNECT_MAX_MS = 30000;
  const BASE_TITLE = document.title;

  const SIGNALS = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 13: 'SIGPIPE', 15: 'SIGTERM' };

  const byId = (id) => document.getElementById(id);
  const ui = {
    connection: byId('connection'),
    badge: byId('status-badge'),
    pid: byId('pid'),
    owner: byId('owner'),
    ownerRow: byId('owner-row'),
    bootModel: byId('boot-model'),
    configModel: byId('config-model'),
    restartRequired: byId('restart-required'),
    startReason: byId('start-reason'),
    lastError: byId('last-error'),
    lastExitRow: byId('last-exit-row'),
    lastExit: byId('last-exit'),
    statusCodeRow: byId('status-code-row'),
    statusCode: byId('status-code'),
    nextRestartRow: byId('next-restart-row'),
    nextRestart: byId('next-restart'),
    start: byId('start-button'),
    stop: byId('stop-button'),
    restart: byId('restart-button'),
    actionMessage: byId('action-message'),
    logPanel: byId('log-panel'),
    logEmpty: byId('log-empty'),
    logCount: byId('log-count'),
    clearLogs: byId('clear-logs-button'),
    logFilter: byId('log-filter'),
    logShown: byId('log-shown'),
    follow: byId('follow-button'),
    timeline: byId('timeline'),
    timelineStart: byId('timeline-start'),
    uptime: byId('uptime'),
    restartCount: byId('restart-count'),
    crashCount: byId('crash-count'),
  };

  // ---- Access token -------------------------------------------------------------------------------
  // A host that requires a token is opened once with ?access_token=...: the host answers with an HttpOnly,
  // SameSite=Strict cookie and a redirect to this page without the query, so the token is never in the
  // address bar, in history or in a script's reach. fetch and EventSource send the cookie by themselves.

  // Relative URLs, so the dashboard also works when the host sits behind a path prefix.
  const apiUrl = (path) => new URL(`api/gateway/${path}`, document.baseURI);

  async function api(path, init = {}) {
    const headers = { Accept: 'application/json' };
    const response = await fetch(apiUrl(path), { cache: 'no-store', credentials: 'same-origin', ...init, headers });
    let body = null;
    try { body = await response.json(); } catch { /* not JSON: describe by status code */ }
    return { ok: response.ok, status: response.status, body };
  }

  // ---- Formatting ---------------------------------------------------------------------------------
  const present = (value) => value !== undefined && value !== null && value !== '';
  const orDash = (value) => (present(value) ? String(value) : '—');

  function formatTime(value) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleTimeString();
  }

  function formatSignal(signal) {
    if (typeof signal === 'number') return SIGNALS[signal] ? `${SIGNALS[signal]} (${signal})` : `signal ${signal}`;
    return String(signal);
  }

  function describeExit(status) {
    if (present(status.last_exit_signal)) return `killed by ${formatSignal(status.last_exit_signal)}`;
    if (present(status.last_exit_code)) return `exit code ${status.last_exit_code}`;
    return null;
  }

  // ---- Connection indicator -----------------------------------------------------------------------
  function setConnection(state, text) {
    ui.connection.dataset.state = state;
    if (ui.connection.textContent !== text) ui.connection.textContent = text;
  }

  // ---- Status -------------------------------------------------------------------------------------
  let current = null;
  let pendingAction = null;
  let nextRestartTimer = null;

  function setText(element, text) {
    if (element.textContent !== text) element.textContent = text;
  }

  function showOptional(element, text, row = element) {
    row.hidden = !present(text);
    if (present(text)) setText(element, String(text));
  }

  function render(status) {
    current = status;
    const state = String(status.gateway_status ?? 'unknown');
    setText(ui.badge, state);
    ui.badge.dataset.state = state;
    document.title = `${state} · ${BASE_TITLE}`;

    setText(ui.pid, orDash(status.pid));
    // A gateway started outside this host (picoclaw run from a shell) is watched; stop and restart are refused unless the host allows them.
    showOptional(ui.owner, status.gateway_owned === false ? 'another program, not this host' : null, ui.ownerRow);
    setText(ui.bootModel, orDash(status.boot_default_model));
    setText(ui.configModel, orDash(status.config_default_model));

    ui.restartRequired.hidden = status.gateway_restart_required !== true;
    const blocked = status.gateway_start_allowed === false;
    showOptional(ui.startReason, blocked ? `Cannot start: ${status.gateway_start_reason || 'a start condition is not met'}` : null);
    renderUptime();
    showOptional(ui.lastError, present(status.last_error) ? `Last error: ${status.last_error}` : null);
    showOptional(ui.lastExit, describeExit(status), ui.lastExitRow);
    showOptional(ui.statusCode, present(status.status_code) ? `HTTP ${status.status_code}` : null, ui.statusCodeRow);
    renderNextRestart();
    updateButtons();
  }

  function renderNextRestart() {
    const due = current && current.next_restart_at;
    if (!present(due)) {
      ui.nextRestartRow.hidden = true;
      window.clearInterval(nextRestartTimer);
      nextRestartTimer = null;
      return;
    }
    const seconds = Math.max(0, Math.ceil((new Date(due).getTime() - Date.now()) / 1000));
    setText(ui.nextRestart, Number.isNaN(seconds) ? String(due) : `${formatTime(due)} (in ${seconds} s)`);
    ui.nextRestartRow.hidden = false;
    nextRestartTimer ??= window.setInterval(renderNextRestart, 1000);
  }

  function updateButtons() {
    const state = current ? current.gateway_status : null;
    const allowed = current ? current.gateway_start_allowed !== false : false;
    const hasPid = current ? present(current.pid) : false;
    const busy = pendingAction !== null;
    ui.start.disabled = busy || !((state === 'stopped' || state === 'error') && allowed);
    // A stop does something whenever a process is tracked, and also while a crash restart is pending (restarting, no
    // process yet): the stop cancels it.
    const crashRestartPending = state === 'restarting' && !hasPid;
    ui.stop.disabled = busy || !((['starting', 'running', 'restarting', 'error'].includes(state) && hasPid) || crashRestartPending);
    ui.restart.disabled = busy || !((state === 'running' || state === 'error') && allowed);
  }

  async function refreshStatus() {
    try {
      const result = await api('status');
      if (result.status === 401) {
        setConnection('unauthorized', 'Not authorised: open this page with ?access_token=<token>');
      } else if (result.ok && result.body) {
        render(result.body);
      }
    } catch {
      // Host unreachable: the connection indicator already says so.
    }
  }

  // ---- Actions ------------------------------------------------------------------------------------
  const ACTION_LABELS = { start: 'Starting', stop: 'Stopping', restart: 'Restarting' };

  function showMessage(text, kind) {
    ui.actionMessage.hidden = !text;
    ui.actionMessage.dataset.kind = kind;
    ui.actionMessage.textContent = text || '';
  }

  function describeOutcome(action, result) {
    const body = result.body || {};
    const pid = present(body.pid) ? ` (pid ${body.pid})` : '';
    if (result.ok && body.status === 'not_running') return ['The gateway was not running.', 'info'];
    if (result.ok) {
      const done = { start: `Started${pid}.`, stop: `Stop requested${pid}.`, restart: `Restarted${pid}.` };
      return [done[action], 'info'];
    }
    if (result.status === 409 && body.status === 'already_running') return [`Already running${pid}.`, 'info'];
    if (result.status === 409 && body.status === 'not_owned') return [`Refused: ${body.message || 'this host does not control the gateway'}`, 'error'];
    if (result.status === 401) return ['Not authorised: open this page with ?access_token=<token>.', 'error'];
    if (result.status === 403) return ['Refused: the request did not come from this page\'s origin.', 'error'];
    const detail = body.message || body.error || body.status || `HTTP ${result.status}`;
    return [`Could not ${action}: ${detail}`, 'error'];
  }

  async function runAction(action) {
    if (pendingAction) return;
    pendingAction = action;
    updateButtons();
    showMessage(`${ACTION_LABELS[action]}…`, 'info');
    try {
      const result = await api(action, { method: 'POST' });
      showMessage(...describeOutcome(action, result));
    } catch {
      showMessage(`Could not ${action}: the host did not answer.`, 'error');
    } finally {
      pendingAction = null;
      updateButtons();
      if (!streamOpen) refreshStatus();
      fetchLogs();
    }
  }

  ui.start.addEventListener('click', () => runAction('start'));
  ui.stop.addEventListener('click', () => runAction('stop'));
  ui.restart.addEventListener('click', () => runAction('restart'));

  // ---- Logs ---------------------------------------------------------------------------------------
  // Incremental: send the last total and run id; a different run id in the answer means a new run (or a
  // clear), whose lines start from 0, so the panel starts over.
  const logs = { runId: -1, total: 0, generation: 0, inFlight: false, again: false };

  // Follow: new lines are shown and scrolled into view. Paused: the view holds still and new lines wait (at most
  // MAX_LOG_LINES of them) until the user follows again.
  const view = { following: true, held: [], filter: '' };

  function resetLogPanel() {
    ui.logPanel.replaceChildren();
    view.held = [];
    ui.logEmpty.hidden = false;
    renderFollowButton();
    renderShown();
  }

  const matchesFilter = (row) => view.filter === '' || row.textContent.toLowerCase().includes(view.filter);

  function renderShown() {
    if (view.filter === '') {
      ui.logShown.hidden = true;
      return;
    }
    let shown = 0;
    for (const row of ui.logPanel.children) if (!row.hidden) shown++;
    setText(ui.logShown, `${shown} of ${ui.logPanel.childElementCount} shown`);
    ui.logShown.hidden = false;
  }

  function renderFollowButton() {
    ui.follow.setAttribute('aria-pressed', String(view.following));
    setText(ui.follow, view.following ? 'Pause' : view.held.length > 0 ? `Follow (${view.held.length} new)` : 'Follow');
  }

  function appendLogLines(lines) {
    if (lines.length === 0) return;
    if (!view.following) {
      view.held.push(...lines);
      if (view.held.length > MAX_LOG_LINES) view.held.splice(0, view.held.length - MAX_LOG_LINES);
      renderFollowButton();
      return;
    }
    const panel = ui.logPanel;
    const fragment = document.createDocumentFragment();
    for (const line of lines.slice(-MAX_LOG_LINES)) {
      const row = document.createElement('div');
      row.className = line.stream === 'stderr' ? 'log-line log-line-stderr' : 'log-line';
      row.dataset.stream = line.stream;
      row.textContent = line.text;
      row.hidden = !matchesFilter(row);
      fragment.append(row);
    }
    panel.append(fragment);
    for (let excess = panel.childElementCount - MAX_LOG_LINES; excess > 0; excess--) {
      panel.firstElementChild.remove();
    }
    ui.logEmpty.hidden = true;
    renderShown();
    panel.scrollTop = panel.scrollHeight;
  }

  ui.follow.addEventListener('click', () => {
    view.following = !view.following;
    if (view.following) {
      const held = view.held;
      view.held = [];
      appendLogLines(held);
    }
    renderFollowButton();
  });

  ui.logFilter.addEventListener('input', () => {
    view.filter = ui.logFilter.value.trim().toLowerCase();
    for (const row of ui.logPanel.children) row.hidden = !matchesFilter(row);
    renderShown();
  });

  // Lines with their stream: log_streams (this host's addition) is parallel to logs (picoclaw's field).
  function pageLines(page) {
    const texts = Array.isArray(page.logs) ? page.logs : [];
    const streams = Array.isArray(page.log_streams) ? page.log_streams : [];
    return texts.map((text, i) => ({ text, stream: streams[i] === 'stderr' ? 'stderr' : 'stdout' }));
  }

  function applyLogPage(page) {
    const runId = Number(page.log_run_id);
    const total = Number(page.log_total);
    if (runId === logs.runId && total < logs.total) {
      // Same run id but fewer lines than we have seen: the host itself restarted. Read the run from 0.
      resetLogPanel();
      logs.total = 0;
      logs.again = true;
      return;
    }
    if (runId !== logs.runId) resetLogPanel();
    appendLogLines(pageLines(page));
    logs.runId = runId;
    logs.total = total;
    setText(ui.logCount, `${total} ${total === 1 ? 'line' : 'lines'}`);
  }

  async function fetchLogs() {
    if (logs.inFlight) {
      logs.again = true;
      return;
    }
    logs.inFlight = true;
    try {
      do {
        logs.again = false;
        const generation = logs.generation;
        const result = await api(`logs?log_offset=${logs.total}&log_run_id=${logs.runId}`);
        if (!result.ok || !result.body) break;
        if (generation === logs.generation) applyLogPage(result.body);
      } while (logs.again);
    } catch {
      // Host unreachable: the next stream message or tick tries again.
    } finally {
      logs.inFlight = false;
    }
  }

  ui.clearLogs.addEventListener('click', async () => {
    ui.clearLogs.disabled = true;
    try {
      const result = await api('logs/clear', { method: 'POST' });
      if (result.ok && result.body) {
        logs.generation++;
        resetLogPanel();
        logs.runId = Number(result.body.log_run_id);
        logs.total = 0;
        setText(ui.logCount, '0 lines');
      } else {
        showMessage(...describeOutcome('clear the logs', result));
      }
    } catch {
      showMessage('Could not clear the logs: the host did not answer.', 'error');
    } finally {
      ui.clearLogs.disabled = false;
    }
  });

  // ---- History strip -------------------------------------------------------------------------------
  // GET history gives the host's record of states (one entry per change of status or process) over the last minutes.
  // The strip spans from the oldest entry (at least 30 s, at most the host's window) to now, one band per state.
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const history = { data: null, skewMs: 0, inFlight: false, again: false };

  const serverNow = () => Date.now() - history.skewMs;

  function formatDuration(ms) {
    const total = Math.max(0, Math.floor(ms / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    if (h > 0) return `${h} h ${m} min`;
    if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
    return `${s} s`;
  }

  function renderUptime() {
    const since = history.data && history.data.process_since;
    const live = current && present(current.pid) && ['starting', 'running', 'error', 'restarting', 'stopping'].includes(current.gateway_status);
    setText(ui.uptime, live && present(since) ? formatDuration(serverNow() - Date.parse(since)) : '—');
  }

  function svg(name, attributes, title) {
    const element = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    if (title) {
      const tooltip = document.createElementNS(SVG_NS, 'title');
      tooltip.textContent = title;
      element.append(tooltip);
    }
    return element;
  }

  function renderTimeline() {
    const data = history.data;
    if (!data) return;
    setText(ui.restartCount, String(data.restarts ?? 0));
    setText(ui.crashCount, String(data.crashes ?? 0));
    renderUptime();
    const states = Array.isArray(data.states) ? data.states : [];
    const now = serverNow();
    const windowMs = Number(data.window_seconds) * 1000 || 15 * 60 * 1000;
    const oldest = states.length > 0 ? Date.parse(states[0].at) : now;
    const spanMs = Math.min(windowMs, Math.max(30 * 1000, now - oldest));
    const start = now - spanMs;
    const x = (time) => ((Math.min(Math.max(time, start), now) - start) / spanMs) * 1000;
    setText(ui.timelineStart, `−${formatDuration(spanMs)}`);

    const label = ui.timeline.querySelector('title');
    const shapes = [];
    states.forEach((entry, i) => {
      const from = Date.parse(entry.at);
      const to = i + 1 < states.length ? Date.parse(states[i + 1].at) : now;
      if (to > start) {
        const left = x(from);
        const width = Math.max(x(to) - left, 1.5);
        const pid = present(entry.pid) ? ` · pid ${entry.pid}` : '';
        shapes.push(svg('rect', { class: 'band', 'data-state': entry.status, x: left, y: 8, width, height: 24 },
          `${entry.status}${pid} · from ${formatTime(entry.at)}`));
      }
    });
    for (const entry of states) {
      if (!entry.mark || Date.parse(entry.at) < start) continue;
      const at = x(Date.parse(entry.at));
      const what = entry.mark === 'crash' ? 'crash' : 'restart';
      const group = svg('g', { class: `mark mark-${what}`, 'data-mark': what }, `${what} at ${formatTime(entry.at)}`);
      group.append(svg('line', { x1: at, x2: at, y1: 2, y2: 38 }));
      shapes.push(group);
    }
    ui.timeline.replaceChildren(label, ...shapes);
  }

  async function fetchHistory() {
    if (history.inFlight) {
      history.again = true;
      return;
    }
    history.inFlight = true;
    try {
      do {
        history.again = false;
        const result = await api('history');
        if (!result.ok || !result.body) break;
        history.data = result.body;
        const reported = Date.parse(result.body.now);
        if (!Number.isNaN(reported)) history.skewMs = Date.now() - reported;
        renderTimeline();
      } while (history.again);
    } catch {
      // Host unreachable: the next stream message or tick tries again.
    } finally {
      history.inFlight = false;
    }
  }

  // ---- Event stream -------------------------------------------------------------------------------
  let source = null;
  let streamOpen = false;
  let reconnectDelay = RECONNECT_BASE_MS;
  let reconnectTimer = null;

  function connect() {
    reconnectTimer = null;
    setConnection('connecting', 'Connecting…');
    const url = apiUrl('events');
    source = new EventSource(url);
    source.onopen = () => {
      streamOpen = true;
      reconnectDelay = RECONNECT_BASE_MS;
      setConnection('connected', 'Live');
    };
    source.onmessage = (message) => {
      let status;
      try { status = JSON.parse(message.data); } catch { return; }
      render(status);
      if (document.visibilityState === 'visible') {
        fetchLogs();
        fetchHistory();
      }
    };
    source.onerror = () => {
      // Reconnect on our own schedule (EventSource's own retry gives up on a non-200 answer).
      source.close();
      source = null;
      streamOpen = false;
      const seconds = Math.round(reconnectDelay / 1000);
      setConnection('disconnected', `Disconnected, retrying in ${seconds} s`);
      reconnectTimer = window.setTimeout(connect, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, RECONNECT_MAX_MS);
      refreshStatus();
    };
  }

  // ---- Slow catch-up timer, only while the page is visible ----------------------------------------
  let pollTimer = null;
  let clockTimer = null;

  function tick() {
    fetchLogs();
    fetchHistory();
    if (!streamOpen) refreshStatus();
  }

  function onVisibilityChange() {
    if (document.visibilityState === 'visible') {
      tick();
      pollTimer ??= window.setInterval(tick, POLL_INTERVAL_MS);
      // The strip slides and the uptime counts every second between fetches.
      clockTimer ??= window.setInterval(renderTimeline, 1000);
    } else {
      window.clearInterval(pollTimer);
      pollTimer = null;
      window.clearInterval(clockTimer);
      clockTimer = null;
    }
  }

  document.addEventListener('visibilitychange', onVisibilityChange);
  window.addEventListener('pagehide', () => {
    if (source) source.close();
    source = null;
    streamOpen = false;
    window.clearTimeout(reconnectTimer);
    reconnectTimer = null;
  });
  window.addEventListener('pageshow', (event) => {
    if (event.persisted && !source && !reconnectTimer) connect();
  });

  connect();
  onVisibilityChange();
})();
