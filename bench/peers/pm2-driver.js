// Drives a private PM2 daemon for the peer benchmark. Commands come one per line on stdin; answers and PM2's bus events go to
// stdout, stamped with process.hrtime.bigint() (CLOCK_MONOTONIC on Linux, the clock the bench child and the harness read).
// A request is stamped here, right before the PM2 API call, so the harness-to-driver pipe never counts against PM2.
'use strict';
const readline = require('readline');
const path = require('path');
const pm2 = require(process.env.PM2_MODULE);
const config = JSON.parse(process.argv[2]);

const now = () => process.hrtime.bigint().toString();
const out = (line) => process.stdout.write(line + '\n');

function app(name, extra) {
  const common = {
    name,
    script: config.child,
    interpreter: 'none',
    exec_mode: 'fork',
    autorestart: false,
    treekill: true,
    kill_timeout: 5000,
    merge_logs: true,
    error_file: path.join(config.dir, name + '.err'),
    pid_file: path.join(config.dir, name + '.pid'),
  };
  return Object.assign(common, extra);
}

const apps = {
  gw: () => app('gw', { args: ['healthy', '--port', String(config.port), '--stamps', config.stamps], out_file: path.join(config.dir, 'gw.out') }),
  // The same gateway with PM2's default crash restart (immediate, no delay), for the first-crash-restart row.
  gwr: () => app('gwr', { args: ['healthy', '--port', String(config.port), '--stamps', config.stamps], out_file: path.join(config.dir, 'gwr.out'), autorestart: true }),
  flood: (outFile) => app('flood', { args: ['flood', '--lines', String(config.lines), '--stamps', config.floodStamps], out_file: outFile }),
};

function done(command, requested, err, extra) {
  out(`done ${command} ${requested} ${now()} ${err ? 'error:' + String(err.message || err).replace(/\s+/g, '_') : 'ok'} ${extra || ''}`);
}

pm2.connect(false, (err) => {
  if (err) {
    out('error connect ' + err.message);
    process.exit(1);
  }

  pm2.launchBus((busErr, bus) => {
    if (busErr) {
      out('error bus ' + busErr.message);
      process.exit(1);
    }

    bus.on('process:event', (packet) => {
      const stamp = now();
      const proc = packet.process || {};
      out(`event ${stamp} ${String(packet.event).replace(/\s+/g, '_')} ${proc.name} ${proc.pm_id}`);
    });
    out('ready');
  });
});

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, ...rest] = line.trim().split(' ');
  const requested = now();
  switch (command) {
    case 'start':
      pm2.start(rest[0] === 'flood' ? apps.flood(rest[1]) : rest[0] === 'gwr' ? apps.gwr() : apps.gw(), (err) => done(command, requested, err));
      break;
    case 'stop':
      pm2.stop(rest[0], (err) => done(command, requested, err));
      break;
    case 'restart':
      pm2.restart(rest[0], (err) => done(command, requested, err));
      break;
    case 'delete':
      pm2.delete(rest[0], (err) => done(command, requested, err));
      break;
    case 'pid':
      pm2.describe(rest[0], (err, list) => done(command, requested, err, list && list[0] ? list[0].pid : 0));
      break;
    case 'daemon':
      pm2.list(() => {
        const fs = require('fs');
        const pid = fs.readFileSync(path.join(process.env.PM2_HOME, 'pm2.pid'), 'utf8').trim();
        done(command, requested, null, pid);
      });
      break;
    case 'kill':
      pm2.killDaemon((err) => {
        done(command, requested, err);
        pm2.disconnect();
        process.exit(0);
      });
      break;
    default:
      out('error unknown ' + command);
  }
});
