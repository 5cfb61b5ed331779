/**
 * Writes bench/embench/tarfind_archive.h: a small POSIX ustar archive (IEEE 1003.1,
 * "pax" Interchange Format, ustar header) as a C array, plus the queries tarfind runs
 * and the answers it checks itself against.
 *
 *   ts-node -T firmware/tools/gen-tarfind-archive.ts <out.h> [<copy.tar>]
 *
 * The optional .tar copy is for checking the archive with `tar tvf`.
 */
import { writeFileSync } from 'node:fs';
import { cBytes, cString, fnv1a, GENERATED_NOTE, prng } from './c-array';

const BLOCK = 512;
const MTIME = 1700000000; // fixed: the archive must not depend on when it was generated
const WORDS = (
  'device gateway sensor event handler image update rollback telemetry board flash ' +
  'memory stack budget engine guest syscall publish button thermostat fan led timer ' +
  'campaign benchmark latency payload manifest signature sequence chunk block resume'
).split(' ');

const DIRECTORIES = [
  'vmfleet/',
  'vmfleet/apps/',
  'vmfleet/config/',
  'vmfleet/keys/',
  'vmfleet/logs/',
];
const FILES = [
  'vmfleet/README',
  'vmfleet/apps/blink.txt',
  'vmfleet/apps/thermostat.txt',
  'vmfleet/apps/button-counter.txt',
  'vmfleet/config/board.conf',
  'vmfleet/config/network.conf',
  'vmfleet/config/sensors.conf',
  'vmfleet/config/limits.conf',
  'vmfleet/logs/boot.log',
  'vmfleet/logs/ota.log',
  'vmfleet/logs/events.log',
  'vmfleet/logs/faults.log',
  'vmfleet/manifest.cbor.txt',
  'vmfleet/keys/gateway.pub.txt',
  'vmfleet/VERSION',
  'vmfleet/NOTICE',
];
const ABSENT = ['vmfleet/apps/missing.txt', 'vmfleet/config', 'README', 'vmfleet/logs/boot.lo'];

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0');
}

function header(name: string, size: number, type: '0' | '5'): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const put = (offset: number, text: string) => h.set(Buffer.from(text, 'latin1'), offset);
  put(0, name); // name[100]
  put(100, octal(type === '5' ? 0o755 : 0o644, 8)); // mode[8]
  put(108, octal(1000, 8)); // uid[8]
  put(116, octal(1000, 8)); // gid[8]
  put(124, octal(size, 12)); // size[12]
  put(136, octal(MTIME, 12)); // mtime[12]
  put(148, '        '); // chksum[8]: spaces while summing
  put(156, type); // typeflag
  put(257, 'ustar\0'); // magic[6]
  put(263, '00'); // version[2]
  put(265, 'vmfleet'); // uname[32]
  put(297, 'vmfleet'); // gname[32]
  const sum = h.reduce((a, b) => a + b, 0);
  put(148, octal(sum, 7) + '\0'); // six digits, NUL, then the space left from above
  return h;
}

function content(random: () => number): Uint8Array {
  const target = 60 + Math.floor(random() * 400);
  let text = '';
  while (text.length < target) {
    const line = Array.from(
      { length: 3 + Math.floor(random() * 6) },
      () => WORDS[Math.floor(random() * WORDS.length)],
    );
    text += line.join(' ') + '\n';
  }
  return Buffer.from(text, 'latin1');
}

function build() {
  const random = prng(0x7a4f1d);
  const parts: Uint8Array[] = [];
  const contents: Uint8Array[] = [];
  for (const dir of DIRECTORIES) parts.push(header(dir, 0, '5'));
  for (const name of FILES) {
    const body = content(random);
    contents.push(body);
    parts.push(header(name, body.length, '0'));
    const padded = new Uint8Array(Math.ceil(body.length / BLOCK) * BLOCK);
    padded.set(body);
    parts.push(padded);
  }
  parts.push(new Uint8Array(2 * BLOCK)); // end of archive: two zero blocks
  return { archive: Buffer.concat(parts), contents };
}

function main(argv: string[]): void {
  const [outPath, tarPath] = argv;
  if (!outPath) throw new Error('usage: gen-tarfind-archive.ts <out.h> [<copy.tar>]');
  const { archive, contents } = build();
  if (tarPath) writeFileSync(tarPath, archive);
  const contentBytes = contents.reduce((a, c) => a + c.length, 0);
  const contentHash = contents.reduce((h, c) => fnv1a(c, h), 0x811c9dc5);
  const queries = [...FILES].reverse().concat(ABSENT);
  const text = `${GENERATED_NOTE('gen-tarfind-archive.ts')}
#ifndef TARFIND_ARCHIVE_H
#define TARFIND_ARCHIVE_H

#include <stdint.h>

#define TAR_ARCHIVE_BYTES ${archive.length}
#define TAR_ENTRY_COUNT ${DIRECTORIES.length + FILES.length}
#define TAR_FILE_COUNT ${FILES.length}
/* Sum of the regular files' sizes, and FNV-1a over their contents in archive order. */
#define TAR_CONTENT_BYTES ${contentBytes}
#define TAR_CONTENT_FNV1A 0x${contentHash.toString(16).padStart(8, '0')}u

/* Names tarfind looks up: every file (last first), then ${ABSENT.length} that are absent. */
#define TAR_QUERY_COUNT ${queries.length}
#define TAR_QUERIES_PRESENT ${FILES.length}
static const char *const tar_queries[TAR_QUERY_COUNT] = {
${queries.map((q) => `    ${cString(q)},`).join('\n')}
};

static const uint8_t tar_archive[TAR_ARCHIVE_BYTES] = {
${cBytes(archive)}
};

#endif /* TARFIND_ARCHIVE_H */
`;
  writeFileSync(outPath, text);
}

main(process.argv.slice(2));
