// The `ocssd` command line. `serve` runs a server; the other sub-commands (lnvm, lsblk, status)
// talk to a running one through its control API; `probe` builds a device in-process.
import { Command, CommanderError } from 'commander';
import { DeviceOptionError, describeProbe, deviceHelp, parseNvmeDevice, probeNvmeDevice } from '../server/index.js';
import { addServeCommand } from './serve.js';
import { addStatusCommands } from './status.js';
import { addLnvmCommands } from './lnvm.js';
import { addFaultCommands } from './faults.js';

/** QEMU spells it `-device`; commander wants `--device`. */
function qemuSpelling(argv: readonly string[]): string[] {
  return argv.map((a) => (a === '-device' ? '--device' : a.startsWith('-device=') ? `--device=${a.slice(8)}` : a));
}

export async function run(argv: readonly string[], out: (line: string) => void = console.log): Promise<number> {
  const program = new Command('ocssd')
    .description('Open-Channel SSD (OCSSD 1.2 / 2.0) NVMe device emulator')
    .version(await version())
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => process.stderr.write(s) });

  addServeCommand(program, out);
  addStatusCommands(program, out);
  addLnvmCommands(program, out);
  addFaultCommands(program, out);

  program
    .command('probe')
    .description('build an NVMe controller (conventional, OCSSD 1.2 with lver=1, OCSSD 2.0 with lver=2) from an option line, attach to it as a host would (in-process) and print what the host sees')
    .option('--device <line>', "the original's -device syntax, e.g. nvme,drive=nvme.img,serial=deadbeef,namespaces=2,lba_index=0", 'nvme')
    .option('--local', 'run the device in this thread instead of a worker thread')
    .addHelpText('after', deviceHelp().join('\n'))
    .action(async (opts: { device: string; local?: boolean }) => {
      const config = parseNvmeDevice(opts.device);
      for (const line of describeProbe(await probeNvmeDevice(config, opts.local === true ? 'local' : 'worker'))) out(line);
    });

  try {
    await program.parseAsync(qemuSpelling(argv), { from: 'user' });
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
