// The `ocssd` command line. Sub-commands talk to a running server through its control API
// (once it exists); `serve` runs one.
import { Command, CommanderError } from 'commander';
import { DeviceOptionError, NVME_DEVICE_OPTIONS, OCSSD12_DEVICE_OPTIONS, OCSSD20_DEVICE_OPTIONS, describeDevice, describeOptions, describeProbe, openDefaultDevice, parseNvmeDevice, probeNvmeDevice } from '../server/index.js';

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

  program
    .command('probe')
    .description('build an NVMe controller (conventional, OCSSD 1.2 with lver=1, OCSSD 2.0 with lver=2) from an option line, attach to it as a host would (in-process) and print what the host sees')
    .option('--device <line>', "the original's -device syntax, e.g. nvme,drive=nvme.img,serial=deadbeef,namespaces=2,lba_index=0", 'nvme')
    .option('--local', 'run the device in this thread instead of a worker thread')
    .addHelpText('after', ['', 'Device options (lver=0, conventional):', ...describeOptions(NVME_DEVICE_OPTIONS), '', 'OCSSD 1.2 device options (lver=1):', ...describeOptions(OCSSD12_DEVICE_OPTIONS), '', 'OCSSD 2.0 device options (lver=2):', ...describeOptions(OCSSD20_DEVICE_OPTIONS)].join('\n'))
    .action(async (opts: { device: string; local?: boolean }) => {
      const config = parseNvmeDevice(opts.device);
      for (const line of describeProbe(await probeNvmeDevice(config, opts.local === true ? 'local' : 'worker'))) out(line);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof DeviceOptionError) {
      process.stderr.write(`ocssd: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`ocssd: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
