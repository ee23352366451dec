/**
 * The systemd unit in deploy/: `systemd-analyze verify` finds nothing to say about it (it exits 0 even on an
 * unknown key or a bad value, so any output fails the test), its sandbox scores as "OK" in `systemd-analyze
 * security`, and it keeps the promises operators.md makes (restarts, its own user, the drain time, no
 * MemoryDenyWriteExecute). verify checks that ExecStart's binary exists: it runs on a copy with ExecStart's
 * /usr/bin/node replaced by the node running this test. Needs systemd-analyze (Debian's systemd package;
 * .ci/run installs it); SKIP_SYSTEMD_TESTS=1 skips it on a laptop without it, never under CI.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DRAIN_MS } from '../src/app.js';
import { projectRoot } from '../src/paths.js';
import { tempDir } from './helpers/botHarness.js';

const UNIT = path.join(projectRoot(), 'deploy', 'mfa-helpdesk-bot.service');
const ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => fs.existsSync(p));
const SKIP = !ANALYZE && process.env.SKIP_SYSTEMD_TESTS === '1' && !process.env.CI;
const run = promisify(execFile);

/** The unit's settings (comments and sections dropped): key -> every value it is given, in order. */
function settings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

/** A copy of the unit (with `edit` applied) in a temp folder, runnable by verify on this machine. */
function localCopy(edit: (text: string) => string = (t) => t): string {
  const text = fs.readFileSync(UNIT, 'utf8').replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${process.execPath} `);
  const file = path.join(tempDir('mfa-unit-'), 'mfa-helpdesk-bot.service');
  fs.writeFileSync(file, edit(text));
  return file;
}

async function verify(file: string): Promise<{ code: number; output: string }> {
  if (!ANALYZE)
    throw new Error('systemd-analyze is missing: install Debian\'s "systemd" package (.ci/run does), or SKIP_SYSTEMD_TESTS=1 on a laptop');
  return run(ANALYZE, ['verify', file], { env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } }).then(
    ({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}`.trim() }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, output: `${err.stdout}${err.stderr}`.trim() }),
  );
}

describe.skipIf(SKIP)('deploy/mfa-helpdesk-bot.service', () => {
  it('passes systemd-analyze verify without a single warning', async () => {
    expect(await verify(localCopy())).toEqual({ code: 0, output: '' });
  });

  it('the check can fail: a misspelt key or a bad value is reported', async () => {
    const broken = await verify(
      localCopy((t) => t.replace('ProtectHome=yes', 'ProtectHome=maybe').replace('UMask=0077', 'UMask=0077\nRestartSecs=3')),
    );
    expect(broken.output).toMatch(/Failed to parse protect home value/);
    expect(broken.output).toMatch(/Unknown key 'RestartSecs'/);
  });

  it('is sandboxed well enough for systemd-analyze security to call it OK', async () => {
    const { stdout } = await run(ANALYZE!, ['security', '--offline=true', '--no-pager', localCopy()], {
      env: { ...process.env, SYSTEMD_LOG_COLOR: '0', SYSTEMD_COLORS: '0' },
    });
    const level = /Overall exposure level for \S+: (\d+\.\d+) (\w+)/.exec(stdout);
    expect(level, stdout.slice(-500)).not.toBeNull();
    expect(Number(level![1])).toBeLessThanOrEqual(2.0);
  });

  it('restarts always, runs as its own user, drains within its stop timeout, and lets V8 JIT', () => {
    const unit = settings(fs.readFileSync(UNIT, 'utf8'));
    expect(unit.get('Restart')).toEqual(['always']);
    expect(unit.get('StartLimitIntervalSec')).toEqual(['0']);
    expect(unit.get('DynamicUser') ?? unit.get('User')).toBeDefined();
    expect(unit.get('StateDirectory')).toEqual(['mfa-helpdesk-bot']);
    expect(unit.get('Environment')).toContain('DATA_DIR=%S/mfa-helpdesk-bot');
    expect(unit.get('EnvironmentFile')).toBeDefined();
    expect(unit.get('WorkingDirectory')).toBeDefined();
    expect(unit.get('KillSignal')).toEqual(['SIGTERM']);
    expect(Number(unit.get('TimeoutStopSec')![0]) * 1000).toBeGreaterThan(DRAIN_MS);
    for (const key of ['ProtectSystem', 'ProtectHome', 'NoNewPrivileges', 'PrivateTmp', 'PrivateDevices', 'SystemCallFilter'])
      expect(unit.get(key), key).toBeDefined();
    expect(unit.get('RestrictAddressFamilies')).toEqual(['AF_INET AF_INET6 AF_UNIX']);
    expect(unit.get('CapabilityBoundingSet')).toEqual(['']);
    expect(unit.has('MemoryDenyWriteExecute')).toBe(false);
    // It starts what `npm start` starts.
    const start = (JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> })
      .scripts.start!;
    expect(start).toContain(unit.get('ExecStart')![0]!.replace('/usr/bin/node ', 'node '));
  });
});
