import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { Socket } from 'node:net';

/** How to start one RIOT native64 instance (see RiotNetwork.startDevice). */
export interface RiotDeviceOptions {
  elf: string;
  /** tap interface inside the namespace, e.g. 'tap0' (RiotNetwork.tap). */
  tap: string;
  /**
   * File-backed MTD_0 (the device's flash), kept across restart(); default: flash.bin in the
   * device's workDir. Passed only to builds with the mtd module (see hasMtdOption).
   */
  mtdFile?: string;
  /** Extra native64 options, placed before the tap name. */
  args?: string[];
}

interface LineWaiter {
  re: RegExp;
  from: number;
  resolve(line: string): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

// RIOT native's stdio receive buffer is 64 bytes; a larger write loses bytes (kit README).
const STDIN_PIECE = 16;
const STDIN_PAUSE_MS = 15;
const TERM_GRACE_MS = 2000;

/**
 * A RIOT native64 process in a network namespace, in its own process group (RIOT native
 * forks a helper; only signalling the group stops both). Output is kept as lines.
 */
export class RiotDevice {
  /** Every stdout/stderr line since the first start (restarts append). */
  readonly lines: string[] = [];
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private waiters: LineWaiter[] = [];

  constructor(
    private readonly netns: string,
    readonly options: RiotDeviceOptions & { mtdFile: string },
    /** cwd of the process: RIOT's default files (MEMORY.bin, …) land here. */
    readonly workDir: string,
  ) {}

  /** Process group id (= pid, thanks to setsid); null when not running. */
  get pgid(): number | null {
    return this.child?.pid ?? null;
  }

  start(): void {
    if (this.child) throw new Error(`${this.options.tap}: already running`);
    const { elf, tap, mtdFile, args = [] } = this.options;
    // Only builds with the mtd module take --mtd (RIOT's native startup.c).
    const mtd = hasMtdOption(elf) ? ['--mtd', mtdFile] : [];
    // `ip netns exec` execs the program, so the pid we get is RIOT's own.
    const child = spawn('ip', ['netns', 'exec', this.netns, elf, ...args, ...mtd, tap], {
      cwd: this.workDir,
      detached: true, // setsid: its own session and process group
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    // A test that forgets kill() must not keep Jest alive; the network's exit hook kills it.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr])
      (stream as Partial<Socket>)?.unref?.();
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.push(`[riot-native] process exited (${signal ?? code})`);
        if (this.child === child) this.child = null;
        this.rejectAll(`${tap}: RIOT exited (${signal ?? code})`);
        resolve();
      });
    });
    child.on('error', (err) => this.push(`[riot-native] spawn error: ${err.message}`));
    child.stdin?.on('error', () => {}); // EPIPE after exit; the exit line says why
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8'); // no UTF-8 sequence split between chunks
      stream?.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) this.push(line.replace(/\r$/, ''));
      });
      stream?.on('end', () => partial && this.push(partial));
    }
  }

  /** Resolves with the first line (from index `from` on) matching re. */
  waitForLine(re: RegExp, timeoutMs = 10_000, from = 0): Promise<string> {
    const found = this.lines.slice(from).find((line) => re.test(line));
    if (found !== undefined) return Promise.resolve(found);
    if (!this.child) return Promise.reject(this.error(`not running; no line ${re}`));
    return new Promise((resolve, reject) => {
      const waiter: LineWaiter = {
        re,
        from,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(this.error(`no line ${re} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Types `line` and a newline in pieces of ≤16 bytes with short pauses (the stdin quirk). */
  async send(line: string): Promise<void> {
    const bytes = Buffer.from(line);
    for (let i = 0; i < bytes.length; i += STDIN_PIECE) {
      await this.write(bytes.subarray(i, i + STDIN_PIECE));
      await sleep(STDIN_PAUSE_MS);
    }
    await this.write(Buffer.from('\n'));
  }

  /** Runs a shell command and resolves with the first later output line matching expect. */
  async shell(cmd: string, expect: RegExp, timeoutMs = 10_000): Promise<string> {
    const from = this.lines.length;
    await this.send(cmd);
    return this.waitForLine(expect, timeoutMs, from);
  }

  /** TERM to the whole process group, then KILL; resolves once all of it is gone. */
  async kill(): Promise<void> {
    const pgid = this.pgid;
    if (pgid === null) return;
    signalGroup(pgid, 'SIGTERM');
    // RIOT itself exits on TERM; its forked helper ignores it and goes with the KILL.
    const deadline = Date.now() + TERM_GRACE_MS;
    while (this.child?.pid === pgid && Date.now() < deadline) await sleep(10);
    signalGroup(pgid, 'SIGKILL');
    while (groupAlive(pgid)) {
      if (Date.now() > deadline + TERM_GRACE_MS)
        throw this.error(`process group ${pgid} survives SIGKILL: ${groupMembers(pgid).join(' ')}`);
      await sleep(10);
    }
    await this.exited;
  }

  /** kill() and start again on the same tap and MTD file (flash contents survive). */
  async restart(): Promise<void> {
    await this.kill();
    this.start();
  }

  /** The last output lines, for failure messages. */
  tail(n = 30): string {
    return this.lines.slice(-n).join('\n');
  }

  private write(chunk: Buffer): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed) return Promise.reject(this.error('stdin is closed'));
    return new Promise((resolve, reject) =>
      stdin.write(chunk, (err) => (err ? reject(err) : resolve())),
    );
  }

  private push(line: string): void {
    const index = this.lines.push(line) - 1;
    for (const waiter of [...this.waiters]) {
      if (index >= waiter.from && waiter.re.test(line)) {
        clearTimeout(waiter.timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(line);
      }
    }
  }

  private rejectAll(why: string): void {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(this.error(`${why}; no line ${waiter.re}`));
    }
  }

  private error(what: string): Error {
    return new Error(`RIOT on ${this.options.tap}: ${what}; last output:\n${this.tail()}`);
  }
}

const mtdOption = new Map<string, boolean>();

/** True when the native64 ELF accepts --mtd (its --help lists it). */
export function hasMtdOption(elf: string): boolean {
  let known = mtdOption.get(elf);
  if (known === undefined) {
    const help = spawnSync(elf, ['--help'], { encoding: 'utf8', timeout: 10_000 });
    known = `${help.stdout}${help.stderr}`.includes('--mtd');
    mtdOption.set(elf, known);
  }
  return known;
}

/** Live (non-zombie) processes of group pgid, from /proc. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
  }
  return members;
}

function groupAlive(pgid: number): boolean {
  return groupMembers(pgid).length > 0;
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
