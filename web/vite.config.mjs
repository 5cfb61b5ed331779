// The dashboard's build (web/README.md): Preact through Vite's own JSX transform (no Babel
// plugin), output in dist/web, which src/dashboard serves at `/`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The shell's only asset tags are in index.html: no inlined data URLs, which the CSP forbids.
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev:web` against a gateway on :3000 (VMFLEET_URL to change it).
    proxy: { '/api': process.env.VMFLEET_URL ?? 'http://127.0.0.1:3000' },
  },
});
