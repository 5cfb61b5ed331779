/** How much guest output a device keeps for `status` (its serial console's scrollback). */
export const GUEST_CONSOLE_CHARS = 4096;

/** The last few KiB of what the guest printed; older output falls off the front. */
export class GuestConsole {
  private buffer = '';

  constructor(private readonly limit = GUEST_CONSOLE_CHARS) {}

  get text(): string {
    return this.buffer;
  }

  append(text: string): void {
    this.buffer += text;
    if (this.buffer.length > this.limit) this.buffer = this.buffer.slice(-this.limit);
  }

  clear(): void {
    this.buffer = '';
  }
}
