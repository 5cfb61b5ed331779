import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import {
  CONF_FILE,
  DYNSEC_FILE,
  DYNSEC_PLUGIN,
  dynsecConfig,
  mosquittoConf,
} from '../broker-bootstrap';
import { examples, type CliDeps } from '../context';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { printJson, printLine } from '../output';

interface ConfigOptions {
  out: string;
  host: string;
  port: number;
  username: string;
  password?: string;
  plugin: string;
  runAs: string;
  force?: boolean;
  json?: boolean;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('a port 1-65535');
  return n;
}

function parseUsername(value: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(value))
    throw new InvalidArgumentError('1-64 of A-Z a-z 0-9 . _ -');
  return value;
}

export function registerBrokerCommand(program: Command, deps: CliDeps): void {
  const broker = program
    .command('broker')
    .description('an external Mosquitto broker for the gateway (docs/operations.md)')
    .addHelpText('after', examples('vmfleet broker config --out ./broker'));
  broker
    .command('config')
    .description(
      "write mosquitto.conf and the dynamic-security plugin's initial JSON (the gateway's broker login)",
    )
    .requiredOption(
      '--out <dir>',
      'directory to write into (created; mosquitto keeps its state here)',
    )
    .option('--host <address>', 'address the broker listens on', '127.0.0.1')
    .option('--port <port>', 'port the broker listens on', parsePort, 1883)
    .option('--username <name>', "the gateway's broker user", parseUsername, 'vmfleet-gateway')
    .option('--password <password>', "the gateway's broker password (default: a new random one)")
    .option('--plugin <path>', 'mosquitto_dynamic_security.so', DYNSEC_PLUGIN)
    .option(
      '--run-as <user>',
      'the user mosquitto switches to when started as root; it must own --out (default: you)',
      parseUsername,
      os.userInfo().username,
    )
    .option('--force', 'overwrite files that exist')
    .option('--json', 'print what was written as JSON')
    .addHelpText(
      'after',
      examples(
        'vmfleet broker config --out /etc/mosquitto/vmfleet',
        'vmfleet broker config --out ./broker --port 1884 --json',
        'mosquitto -c ./broker/mosquitto.conf',
      ),
    )
    .action((opts: ConfigOptions) => {
      const dir = path.resolve(opts.out);
      const conf = path.join(dir, CONF_FILE);
      const dynsec = path.join(dir, DYNSEC_FILE);
      for (const file of [conf, dynsec]) {
        if (!opts.force && fs.existsSync(file))
          throw new CliError(`${file} exists; pass --force to overwrite it`, EXIT.usage);
      }
      const password = opts.password ?? randomBytes(18).toString('base64url');
      const bootstrap = { ...opts, dir, password };
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(conf, mosquittoConf(bootstrap), { mode: 0o644 });
      fs.writeFileSync(dynsec, `${JSON.stringify(dynsecConfig(bootstrap), null, 2)}\n`, {
        mode: 0o600,
      });
      const url = `mqtt://${opts.host}:${opts.port}`;
      const env = {
        VMFLEET_MQTT_BROKER_URL: url,
        VMFLEET_MQTT_BROKER_USERNAME: opts.username,
        VMFLEET_MQTT_BROKER_PASSWORD: password,
      };
      if (opts.json) return printJson(deps.io, { files: [conf, dynsec], env });
      printLine(deps.io, `wrote ${conf}`);
      printLine(deps.io, `wrote ${dynsec}`);
      printLine(deps.io, `start the broker: mosquitto -c ${conf}`);
      printLine(deps.io, 'then the gateway with (the password is shown only now):');
      for (const [k, v] of Object.entries(env)) printLine(deps.io, `  ${k}=${v}`);
    });
}
