import { FixtureHub } from './fixture-hub.js';

/*
 * The fixture hub in a process of its own. It has to be: the scanner blocks its thread
 * (Atomics.wait) while a range read is under way, so a server in the test's own thread would
 * never answer. The parent drives it over IPC (advanced serialization keeps Buffers, Maps, Sets).
 */
const hub = await new FixtureHub().start();

type Command =
  | { id: number; cmd: 'addRepo'; args: Parameters<FixtureHub['addRepo']> }
  | { id: number; cmd: 'rename'; args: [string, string] }
  | { id: number; cmd: 'token'; args: [string] }
  | { id: number; cmd: 'faults'; args: [FixtureHub['faults']] }
  | { id: number; cmd: 'state'; args: [] }
  | { id: number; cmd: 'clearLog'; args: [] };

process.on('message', (m: Command) => {
  let value: unknown;
  switch (m.cmd) {
    case 'addRepo':
      hub.addRepo(...m.args);
      break;
    case 'rename':
      hub.renamed.set(m.args[0], m.args[1]);
      break;
    case 'token':
      hub.tokens.add(m.args[0]);
      break;
    case 'faults':
      hub.faults = m.args[0];
      break;
    case 'state':
      value = { log: hub.log, cdnBytes: hub.cdnBytes };
      break;
    case 'clearLog':
      hub.log.length = 0;
      hub.cdnBytes = 0;
      break;
  }
  process.send!({ id: m.id, value });
});
process.send!({ id: 0, value: { url: hub.url, cdnUrl: hub.cdnUrl } });
process.on('disconnect', () => void hub.close().then(() => process.exit(0)));
