import { deviceAcls, deviceRole, gatewayAcls, sharedFilter } from './broker-acl';

describe('dynamic-security rules', () => {
  const acls = deviceAcls('dev-a');

  it.each([
    ['publishClientSend', 'vmfleet/v1/dev-a/hello'],
    ['publishClientSend', 'vmfleet/v1/dev-a/telemetry'],
    ['publishClientSend', 'vmfleet/v1/dev-a/status'],
    ['publishClientSend', 'vmfleet/v1/dev-a/reply'],
    ['subscribePattern', 'vmfleet/v1/dev-a/#'],
    ['publishClientReceive', 'vmfleet/v1/dev-a/#'],
  ])('lets dev-a %s %s', (acltype, topic) => {
    expect(acls).toContainEqual({ acltype, topic, allow: true });
  });

  it('names nothing outside the device prefix and allows no downlink publish', () => {
    expect(acls.every((a) => a.topic.startsWith('vmfleet/v1/dev-a/'))).toBe(true);
    const published = acls.filter((a) => a.acltype === 'publishClientSend').map((a) => a.topic);
    for (const down of ['cmd', 'update', 'error'])
      expect(published).not.toContain(`vmfleet/v1/dev-a/${down}`);
    expect(acls.every((a) => a.allow)).toBe(true);
  });

  it('names roles and shared filters by the protocol', () => {
    expect(deviceRole('dev-a')).toBe('vmfleet-device-dev-a');
    expect(sharedFilter('telemetry')).toBe('$share/vmfleet/vmfleet/v1/+/telemetry');
    expect(gatewayAcls()).toContainEqual({
      acltype: 'publishClientSend',
      topic: 'vmfleet/v1/+/cmd',
      allow: true,
    });
  });
});
