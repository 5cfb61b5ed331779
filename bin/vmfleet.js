#!/usr/bin/env node
'use strict';

const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('vmfleet: the CLI is not built yet; run `npm run build` first\n');
  process.exit(1);
}

require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
    // A clean run ends by itself; this only cuts off a socket or timer left open by mistake.
    setTimeout(() => process.exit(code), 2000).unref();
  });
