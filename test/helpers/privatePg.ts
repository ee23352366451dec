import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Debian's PostgreSQL binaries (the newest version installed), or PG_BIN. */
function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL binaries under ${root}: install Debian's postgresql (.ci/run does)`);
  return path.join(root, versions[0]!, 'bin');
}

/**
 * A PostgreSQL cluster of a test's own, on its own port, that the test may stop and start: the machine's shared
 * server must never be stopped. The server refuses to run as root, so everything runs as the postgres user
 * (through runuser when the test runs as root), in a temp folder that user owns.
 */
export class PrivateCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  /** postgres://postgres@127.0.0.1:PORT/postgres */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static create(port: number): PrivateCluster {
    const bin = binDir();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-pg-outage-'));
    if (process.getuid?.() === 0) {
      const { uid, gid } = postgresIds();
      fs.chownSync(dir, uid, gid);
    }
    const cluster = new PrivateCluster(dir, port, bin);
    cluster.run('initdb', ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    return cluster;
  }

  start(): void {
    this.run('pg_ctl', [
      '-D',
      path.join(this.dir, 'data'),
      '-l',
      path.join(this.dir, 'server.log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-w',
      'start',
    ]);
  }

  stop(): void {
    this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  }

  /** Stops the server if it runs and removes its folder. */
  destroy(): void {
    try {
      this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } catch {
      /* not running */
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private run(tool: string, args: string[]): void {
    const command = path.join(this.bin, tool);
    const asPostgres = process.getuid?.() === 0;
    execFileSync(asPostgres ? 'runuser' : command, asPostgres ? ['-u', 'postgres', '--', command, ...args] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  }
}

/** The postgres user's uid and gid, from /etc/passwd. */
function postgresIds(): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error("no postgres user: install Debian's postgresql (.ci/run does)");
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
