import { Inject, Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG, type Config } from '../config/config';
import { routeDashboard } from './domain/dashboard-route';

/**
 * The page may load only its own scripts and styles and talk only to this gateway; uPlot
 * draws on a canvas and sets styles through the DOM, which this policy allows.
 */
const CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const NOT_BUILT =
  'The dashboard is not built: run `npm run build` (its Vite step writes dist/web), or point VMFLEET_DASHBOARD_DIR at a build.\n';

/**
 * Serves the built dashboard (Vite's output) at `/`, with index.html for client routes.
 * A middleware, not a controller: it runs before the bearer guard, so the static files are
 * public (the page holds no data; it asks the API with the token typed into its login),
 * and it passes /api, /metrics and /mqtt on untouched.
 */
@Injectable()
export class DashboardMiddleware implements NestMiddleware {
  private readonly dir: string;
  private readonly files: ReadonlySet<string>;

  constructor(@Inject(CONFIG) config: Config) {
    this.dir = config.dashboardDir ?? path.join(packageRoot(), 'dist', 'web');
    this.files = listFiles(this.dir);
    if (!this.files.has('index.html')) {
      new Logger('Dashboard').warn(`no dashboard build in ${this.dir}: ${NOT_BUILT.trim()}`);
    }
  }

  use(req: Request, res: Response, next: NextFunction): void {
    // Nest mounts middleware on a path, which express strips from req.path: the full one.
    const pathname = req.originalUrl.split('?')[0];
    const answer = routeDashboard(req.method, pathname, req.headers.accept, this.files);
    switch (answer.kind) {
      case 'pass':
        return next();
      case 'file':
        return this.send(res, next, answer.file, answer.immutable);
      case 'index':
        if (!this.files.has('index.html')) {
          res.status(503).type('text/plain').send(NOT_BUILT);
          return;
        }
        res.setHeader('Content-Security-Policy', CSP);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        return this.send(res, next, 'index.html', false);
    }
  }

  private send(res: Response, next: NextFunction, file: string, immutable: boolean): void {
    res.sendFile(
      file,
      {
        root: this.dir,
        dotfiles: 'deny',
        // Hashed names never change content; index.html must be fetched fresh to find them.
        ...(immutable
          ? { maxAge: '1y', immutable: true }
          : { headers: { 'Cache-Control': 'no-cache' } }),
      },
      (err) => {
        if (err && !res.headersSent) next(err);
      },
    );
  }
}

/** Every file under `dir`, relative, with forward slashes; empty when `dir` does not exist. */
function listFiles(dir: string): Set<string> {
  if (!fs.existsSync(dir)) return new Set();
  const entries = fs.readdirSync(dir, { recursive: true, withFileTypes: true });
  return new Set(
    entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/')),
  );
}

/** The directory of vmfleet's package.json, from src/dashboard or dist/src/dashboard alike. */
function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}
