import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { commitOf, type Faults, type FixtureRepo, type LoggedRequest, type RepoFile } from './fixture-hub.js';

/** The test's handle on a fixture hub running in a child process (see fixture-hub-process.ts). */
export class HubProcess {
  url = '';
  cdnUrl = '';
  private nextId = 1;
  private readonly waiting = new Map<number, (value: unknown) => void>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { id: number; value: unknown }) => {
      this.waiting.get(m.id)?.(m.value);
      this.waiting.delete(m.id);
    });
  }

  static async start(): Promise<HubProcess> {
    const child = fork(fileURLToPath(new URL('./fixture-hub-process.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const hub = new HubProcess(child);
    const addr = (await hub.wait(0)) as { url: string; cdnUrl: string };
    hub.url = addr.url;
    hub.cdnUrl = addr.cdnUrl;
    return hub;
  }

  private wait(id: number): Promise<unknown> {
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }

  private call(cmd: string, ...args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    const done = this.wait(id);
    this.child.send({ id, cmd, args });
    return done;
  }

  async addRepo(repo: FixtureRepo): Promise<void> {
    await this.call('addRepo', repo);
  }

  /** A repo with one commit on `main`; returns the commit sha. */
  async addSimpleRepo(id: string, files: RepoFile[], extra: Partial<FixtureRepo> = {}): Promise<string> {
    const sha = commitOf(files, id);
    await this.addRepo({ id, commits: { [sha]: files }, refs: { main: sha }, ...extra });
    return sha;
  }

  async rename(from: string, to: string): Promise<void> {
    await this.call('rename', from, to);
  }

  async addToken(token: string): Promise<void> {
    await this.call('token', token);
  }

  async setFaults(faults: Faults): Promise<void> {
    await this.call('faults', faults);
  }

  async state(): Promise<{ log: LoggedRequest[]; cdnBytes: number }> {
    return (await this.call('state')) as { log: LoggedRequest[]; cdnBytes: number };
  }

  async clearLog(): Promise<void> {
    await this.call('clearLog');
  }

  async close(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.disconnect();
    await exited;
  }
}
