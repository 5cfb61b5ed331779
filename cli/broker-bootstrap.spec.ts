import { dynsecConfig, dynsecPassword, mosquittoConf } from './broker-bootstrap';

const bootstrap = {
  dir: '/srv/broker',
  host: '127.0.0.1',
  port: 1884,
  username: 'vmfleet-gateway',
  password: 'adminpw',
  plugin: '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so',
  runAs: 'mosquitto',
};

describe('broker bootstrap files', () => {
  it('hashes a password as mosquitto_ctrl dynsec init 2.0.11 did for "adminpw"', () => {
    // Taken from a file `mosquitto_ctrl dynsec init f admin adminpw` wrote.
    const salt = Buffer.from('rFSI64RSvwy6ugQ0', 'base64');
    expect(dynsecPassword('adminpw', salt)).toEqual({
      password:
        'Z9Q/lMCrDJIhUWmeboK4rkU6bdEaV9dtNtxu9mYWjdfEyvibsr4BcrDEDuaj6C6suQR2+bhNKc9kQrXZTLRBAQ==',
      salt: 'rFSI64RSvwy6ugQ0',
      iterations: 101,
    });
  });

  it('salts every hash anew', () => {
    expect(dynsecPassword('x').salt).not.toBe(dynsecPassword('x').salt);
  });

  it('writes a config with no anonymous logins and the plugin on every listener', () => {
    const conf = mosquittoConf(bootstrap).split('\n');
    expect(conf).toEqual(
      expect.arrayContaining([
        'allow_anonymous false',
        'per_listener_settings false',
        'listener 1884 127.0.0.1',
        'user mosquitto',
        `plugin ${bootstrap.plugin}`,
        'plugin_opt_config_file /srv/broker/dynamic-security.json',
        'persistence_location /srv/broker/',
      ]),
    );
  });

  it('gives the gateway the control topic and denies everyone else by default', () => {
    const json = dynsecConfig(bootstrap) as {
      clients: { username: string; roles: { rolename: string }[] }[];
      roles: { rolename: string; acls: { acltype: string; topic: string }[] }[];
      defaultACLAccess: Record<string, boolean>;
    };
    expect(json.clients).toEqual([
      expect.objectContaining({
        username: 'vmfleet-gateway',
        roles: [{ rolename: 'vmfleet-gateway' }],
      }),
    ]);
    expect(json.roles[0].acls).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          acltype: 'publishClientSend',
          topic: '$CONTROL/dynamic-security/#',
        }),
        expect.objectContaining({
          acltype: 'subscribePattern',
          topic: '$share/vmfleet/vmfleet/v1/+/telemetry',
        }),
      ]),
    );
    expect(json.defaultACLAccess).toMatchObject({ publishClientSend: false, subscribe: false });
  });
});
