// The `ocssd` command line. Sub-commands talk to a running server through its control API
// (once it exists); `serve` runs one.
import { Command, CommanderError } from 'commander';
import { describeDevice, openDefaultDevice } from '../server/index.js';

export async function run(argv: readonly string[], out: (line: string) => void = console.log): Promise<number> {
  const program = new Command('ocssd')
    .description('Open-Channel SSD (OCSSD 1.2 / 2.0) NVMe device emulator')
    .version(await version())
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => process.stderr.write(s) });

  program
    .command('serve')
    .description('serve the default device (the seed tutorial\'s OCSSD 1.2 geometry on ./data/blknvme); for now it opens the media, prints what it would serve and exits')
    .option('--data-dir <dir>', 'where the device image lives', 'data')
    .action((opts: { dataDir: string }) => {
      const device = openDefaultDevice(opts.dataDir);
      try {
        for (const line of describeDevice(device)) out(line);
        out('The NVMe controller, NVMe/TCP target and NBD exports arrive with the next issues; nothing is listening yet.');
      } finally {
        device.media.close();
      }
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    process.stderr.write(`ocssd: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
