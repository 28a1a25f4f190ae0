// `ocssd serve`: runs the devices of the command line or a JSON config until SIGINT/SIGTERM (or
// POST /api/v1/shutdown), then stops cleanly, flushing every device's state.
import { type Command, Option } from 'commander';
import {
  DeviceOptionError,
  OcssdServer,
  SERVE_DEFAULTS,
  type ServeConfig,
  defaultDeviceLine,
  describeServer,
  deviceHelp,
  parsePort,
  readConfigFile,
  resolveDeviceLine,
} from '../server/index.js';

interface ServeFlags {
  device?: string[];
  config?: string;
  dataDir?: string;
  listen?: string;
  controlPort?: string;
  tcpPort?: string;
  discoveryPort?: string;
  nbdPort?: string;
  allowHost?: string[];
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export function serveConfig(flags: ServeFlags): ServeConfig {
  const file = flags.config !== undefined ? readConfigFile(flags.config) : {};
  const dataDir = flags.dataDir ?? file.dataDir ?? SERVE_DEFAULTS.dataDir;
  const lines = flags.device !== undefined ? flags.device.map((l) => resolveDeviceLine(l, process.cwd())) : (file.devices ?? []);
  if (flags.device !== undefined && file.devices !== undefined) throw new DeviceOptionError('give devices either with -device or in the --config file, not both');
  return {
    devices: lines.length > 0 ? lines : [defaultDeviceLine(dataDir)],
    dataDir,
    host: flags.listen ?? file.host ?? SERVE_DEFAULTS.host,
    controlPort: flags.controlPort !== undefined ? parsePort(flags.controlPort, '--control-port') : (file.controlPort ?? SERVE_DEFAULTS.controlPort),
    tcpPort: flags.tcpPort !== undefined ? parsePort(flags.tcpPort, '--tcp-port') : (file.tcpPort ?? SERVE_DEFAULTS.tcpPort),
    discoveryPort: flags.discoveryPort !== undefined ? parsePort(flags.discoveryPort, '--discovery-port') : (file.discoveryPort ?? SERVE_DEFAULTS.discoveryPort),
    nbdPort: flags.nbdPort !== undefined ? parsePort(flags.nbdPort, '--nbd-port') : (file.nbdPort ?? SERVE_DEFAULTS.nbdPort),
    allowedHosts: flags.allowHost ?? file.allowedHosts ?? [],
  };
}

export function addServeCommand(program: Command, out: (line: string) => void): void {
  program
    .command('serve')
    .description("run emulated NVMe / Open-Channel SSD controllers until SIGINT or SIGTERM; without -device, the seed tutorial's OCSSD 1.2 device on ./data/blknvme (1 GiB sparse)")
    .addOption(new Option('-d, --device <line>', "a controller in the original's -device syntax (repeatable; '-device' works too)").argParser(collect))
    .option('-c, --config <file.json>', 'devices and listeners from a JSON file ({"devices": [{"drive": "blknvme", "lver": 1, ...}], "listen": ..., "tcp_port": ...}); relative paths are relative to the file')
    .option('--data-dir <dir>', `where the default device and server state live (default ${SERVE_DEFAULTS.dataDir})`)
    .option('--listen <address>', `address every listener binds (default ${SERVE_DEFAULTS.host})`)
    .option('--control-port <port>', `control API (JSON over HTTP) port, 0 = any, -1 = off (default ${SERVE_DEFAULTS.controlPort})`)
    .option('--tcp-port <port>', `NVMe/TCP I/O port (default ${SERVE_DEFAULTS.tcpPort})`)
    .option('--discovery-port <port>', `NVMe/TCP discovery port (default ${SERVE_DEFAULTS.discoveryPort})`)
    .option('--nbd-port <port>', `NBD port (default ${SERVE_DEFAULTS.nbdPort})`)
    .addOption(new Option('--allow-host <hostnqn>', 'a host NQN allowed to connect over NVMe/TCP (repeatable; default: any)').argParser(collect))
    .addHelpText('after', deviceHelp().join('\n'))
    .action(async (flags: ServeFlags) => {
      const config = serveConfig(flags);
      // Handlers go in before anything starts, so a signal during start-up still stops cleanly.
      let server: OcssdServer | undefined;
      let signalled: NodeJS.Signals | undefined;
      const onSignal = (sig: NodeJS.Signals) => {
        signalled = sig;
        out(`ocssd: ${sig}: stopping (flushing device state)...`);
        void server?.stop();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        server = await OcssdServer.start(config, (l) => process.stderr.write(`${l}\n`));
        if (signalled !== undefined) await server.stop();
        else for (const line of describeServer(server)) out(line);
        await server.stopped;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      out('ocssd: stopped');
    });
}
