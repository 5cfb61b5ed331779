import { Backoff, DEFAULT_THROTTLE, type ThrottleOptions } from '../common/backoff';

/**
 * Wrong-login throttling (docs/protocol.md "Login throttling"): exponential back-off per
 * source address and per device id. Tokens are 256-bit random values, so the point is not
 * to protect a weak secret but to keep a wrong-token flood from costing a token check each.
 *
 * - Per source address: after `freeFailures` wrong logins from one address, that address
 *   waits `baseDelayMs`, doubling per further failure up to `maxDelayMs`, before a login
 *   from it is checked again; meanwhile every login from it is refused unchecked.
 * - Per device id: the same count over all addresses, for guesses spread over many.
 * - From the address a device last logged in from, neither applies to that device; the
 *   count of that device at that address does. So an attacker elsewhere, or a broken device
 *   behind the same NAT, slows guesses without keeping the real device off its usual
 *   address, and guesses at it from there are slowed all the same.
 * A right login clears its device's counts (not the address's: an attacker holding one
 * valid token could otherwise reset the count between guesses at others).
 */
export type ThrottleDecision =
  { allow: true } | { allow: false; retryAfterMs: number; by: 'address' | 'device' };

/**
 * Device logins (MQTT CONNECT, CoAP registration): per address and per device id, see the
 * file comment. One instance serves both transports.
 */
export class LoginThrottle {
  private readonly byAddress: Backoff;
  private readonly byDevice: Backoff;
  /** `id address`: one device's wrong logins from the address it last logged in from. */
  private readonly byDeviceAtAddress: Backoff;
  /** Where each device last logged in from: exempt from its device-id back-off. */
  private readonly goodAddress = new Map<string, string>();

  constructor(
    options: ThrottleOptions = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {
    this.byAddress = new Backoff(options);
    this.byDevice = new Backoff(options);
    this.byDeviceAtAddress = new Backoff(options);
    this.maxKeys = options.maxKeys;
  }

  private readonly maxKeys: number;

  /** Whether a login for `deviceId` from `address` may be checked now. */
  check(deviceId: string, address: string): ThrottleDecision {
    const now = this.now();
    if (this.goodAddress.get(deviceId) === address) {
      const wait = this.byDeviceAtAddress.waitMs(`${deviceId} ${address}`, now);
      return wait > 0 ? { allow: false, retryAfterMs: wait, by: 'device' } : { allow: true };
    }
    const byAddress = this.byAddress.waitMs(address, now);
    if (byAddress > 0) return { allow: false, retryAfterMs: byAddress, by: 'address' };
    const byDevice = this.byDevice.waitMs(deviceId, now);
    if (byDevice > 0) return { allow: false, retryAfterMs: byDevice, by: 'device' };
    return { allow: true };
  }

  failed(deviceId: string, address: string): void {
    const now = this.now();
    this.byAddress.fail(address, now);
    this.byDevice.fail(deviceId, now);
    if (this.goodAddress.get(deviceId) === address) {
      this.byDeviceAtAddress.fail(`${deviceId} ${address}`, now);
    }
  }

  succeeded(deviceId: string, address: string): void {
    this.byDevice.clear(deviceId);
    const previous = this.goodAddress.get(deviceId);
    if (previous !== undefined) this.byDeviceAtAddress.clear(`${deviceId} ${previous}`);
    this.goodAddress.delete(deviceId);
    this.goodAddress.set(deviceId, address);
    if (this.goodAddress.size > this.maxKeys) {
      this.goodAddress.delete(this.goodAddress.keys().next().value as string);
    }
  }
}
