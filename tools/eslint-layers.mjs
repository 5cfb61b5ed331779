// The layer rules of DESIGN.md ("Shape") as one ESLint rule, `vmfleet/layers`: which
// folders and packages each part of the code may import. Tests (`*.spec.ts`,
// `*.e2e-spec.ts`, `testing/` folders, `test/`, `bench/`) may cross layers and are not
// checked. test/lint-layers.spec.ts shows that `npm run lint` fails on each kind of breach.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const TRANSPORT_PACKAGES = ['aedes', 'coap', 'coap-packet', 'mqtt', 'ws'];
const PERSISTENCE_PACKAGES = ['typeorm', '@nestjs/typeorm', 'better-sqlite3', 'pg'];

/**
 * First match wins. `local`: the only repository folders a file may import from (when
 * set); `forbidLocal`: folders it may not; `allowLocal(target, file)`: an exception to both
 * (target: the repository path without extension); `packages`: the only packages (when set);
 * `forbidPackages`: packages it may not (a name, or a scope ending in '/').
 */
const LAYERS = [
  {
    name: 'src/protocol',
    test: (rel) => rel.startsWith('src/protocol/'),
    local: ['src/protocol/'],
    packages: ['zod', 'cbor-x', 'node:crypto'],
    why: 'the wire format is pure and shared with devices/: no I/O, no runtimes, nothing else of the gateway',
  },
  {
    name: 'src/guest-scripts',
    test: (rel) => rel.startsWith('src/guest-scripts/'),
    local: ['src/guest-scripts/', 'src/protocol/'],
    why: 'the script runtimes are shared by the gateway and devices/, so they depend on the protocol only',
  },
  {
    name: 'domain',
    test: (rel) => /^src\/[^/]+\/domain\//.test(rel),
    forbidLocal: ['src/mqtt/', 'src/coap/', 'src/database/', 'devices/', 'cli/'],
    forbidPackages: ['@nestjs/', ...TRANSPORT_PACKAGES, ...PERSISTENCE_PACKAGES],
    why: 'domain code knows no framework, transport or ORM',
  },
  {
    name: 'transport',
    test: (rel) => /^src\/(mqtt|coap)\//.test(rel),
    local: [
      'src/mqtt/',
      'src/coap/',
      'src/link/',
      'src/protocol/',
      'src/common/',
      'src/config/',
      'src/metrics/',
    ],
    // A transport's Nest module is where it is wired to the modules that provide its ports.
    allowLocal: (target, rel) => rel.endsWith('.module.ts') && target.endsWith('.module'),
    why: 'a transport is an adapter: it reaches the domain through src/link (InboundRouter, ports) only',
  },
  {
    name: 'src',
    test: (rel) => rel.startsWith('src/'),
    forbidLocal: ['devices/', 'cli/', 'test/', 'bench/'],
    why: 'the gateway does not depend on the device side, the CLI or tests',
  },
  {
    name: 'devices',
    test: (rel) => rel.startsWith('devices/'),
    local: ['devices/', 'src/protocol/', 'src/guest-scripts/'],
    why: 'a device shares only the protocol (and the script runtimes) with the gateway',
  },
  {
    name: 'cli',
    test: (rel) => rel.startsWith('cli/'),
    local: ['cli/', 'devices/', 'src/protocol/'],
    why: 'the CLI talks to the gateway over REST with the protocol types; it hosts devices/ for sim and run',
  },
];

const EXEMPT = /(\.spec\.ts|\.e2e-spec\.ts)$|(^|\/)testing\/|^(test|bench)\//;

const isPackage = (source) => !source.startsWith('.') && !source.startsWith('/');
const packageMatches = (source, names) =>
  names.some((n) =>
    n.endsWith('/') ? source.startsWith(n) : source === n || source.startsWith(`${n}/`),
  );
const under = (rel, folders) =>
  folders.some((f) => rel === f.replace(/\/$/, '') || rel.startsWith(f));

function breach(layer, rel, source) {
  if (isPackage(source)) {
    if (layer.packages && !packageMatches(source, layer.packages))
      return `may import only ${layer.packages.join(', ')} from packages`;
    if (layer.forbidPackages && packageMatches(source, layer.forbidPackages))
      return `may not import '${source}'`;
    return null;
  }
  const target = path
    .relative(ROOT, path.resolve(ROOT, path.dirname(rel), source))
    .split(path.sep)
    .join('/');
  if (layer.allowLocal?.(target, rel)) return null;
  if (layer.local && !under(target, layer.local))
    return `may import only from ${layer.local.join(', ')}`;
  if (layer.forbidLocal && under(target, layer.forbidLocal)) return `may not import from ${target}`;
  return null;
}

const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'the layer rules of DESIGN.md: what each part of the code may import' },
    schema: [],
  },
  create(context) {
    const rel = path.relative(ROOT, context.filename).split(path.sep).join('/');
    if (EXEMPT.test(rel)) return {};
    const layer = LAYERS.find((l) => l.test(rel));
    if (!layer) return {};
    const check = (node) => {
      const source = node?.value;
      if (typeof source !== 'string') return;
      const why = breach(layer, rel, source);
      if (why)
        context.report({ node, message: `${layer.name} ${why} ('${source}'): ${layer.why}` });
    };
    return {
      ImportDeclaration: (n) => check(n.source),
      ExportAllDeclaration: (n) => check(n.source),
      ExportNamedDeclaration: (n) => n.source && check(n.source),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n.source),
      TSImportType: (n) => check(n.argument?.literal ?? n.argument),
    };
  },
};

export const layersPlugin = { rules: { layers: layersRule } };
