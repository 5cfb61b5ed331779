import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { exitQuietlyOnBrokenPipe } from './broken-pipe';

function streamError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`write ${code}`), { code });
}

describe('exitQuietlyOnBrokenPipe', () => {
  it('ends the process with status 0 when stdout or stderr loses its reader', () => {
    const [stdout, stderr] = [new EventEmitter(), new EventEmitter()];
    const exit = jest.fn();
    exitQuietlyOnBrokenPipe([stdout, stderr], exit);
    stdout.emit('error', streamError('EPIPE'));
    stderr.emit('error', streamError('EPIPE'));
    expect(exit.mock.calls).toEqual([[0], [0]]);
  });

  it('throws any other stream error as before', () => {
    const stdout = new EventEmitter();
    const exit = jest.fn();
    exitQuietlyOnBrokenPipe([stdout], exit);
    expect(() => stdout.emit('error', streamError('EIO'))).toThrow('write EIO');
    expect(exit).not.toHaveBeenCalled();
  });

  it('lets `vmfleet … | head` end without a stack trace (a real pipe closed early)', async () => {
    // main() as the bin runs it, then far more output than a pipe buffers.
    const script = `
      const { main } = require(${JSON.stringify(join(__dirname, 'main'))});
      const { processIo } = require(${JSON.stringify(join(__dirname, 'output'))});
      void main(['--version']).then(() => {
        const io = processIo();
        for (let i = 0; i < 100000; i++) io.stdout('a line of a long table\\n');
      });`;
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Like `head -1`: read the first chunk, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});
