/**
 * `sweepscope open FILE [--port P] [--no-open]`: shows a sweep file in the page,
 * as `hiplot` and `optuna-dashboard` do. A small HTTP server (node:http) on
 * 127.0.0.1 serves the production build of the page (dist/page, made by
 * `vite build`; Vite stays a development tool) and the one file, at
 * /sweep/<its name>; the page, opened on `/?file=/sweep/<its name>`, fetches it
 * from there (src/app/main.ts startup()). The file never leaves the machine.
 *
 * Security: only GET and HEAD; a request whose Host is not 127.0.0.1:PORT or
 * localhost:PORT is refused (DNS rebinding); a path is decoded once and
 * refused with `..`, `.` or dot-file segments, NUL or backslashes, then must
 * resolve (symbolic links too) inside the page directory; nothing else from
 * the disk is served. Every answer carries the cross-origin isolation headers
 * the page needs for SharedArrayBuffer (as vite.config.ts sends in
 * development), a Content-Security-Policy allowing only this origin, and
 * `nosniff`.
 *
 * Where the page is: SWEEPSCOPE_PAGE_DIR, else dist/page of the package root,
 * found by walking up from this module to the package.json named
 * "sweepscope": the same from the sources (src/cli/open.ts, through tsx) and
 * from the bundle (dist/cli/sweepscope.mjs). `npm install` builds it
 * (`prepare` runs `vite build`, about 2.5 s); when it is missing, or older
 * than the page's sources in a working copy being edited, `open` builds it
 * first with the installed Vite (one line says so), like bin/sweepscope.mjs
 * does for the CLI; without Vite, a missing page is one error (exit 2).
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { constants as fsConstants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { access, open as openFile, realpath, stat } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { SweepError } from '../model/sweep.js';

/** The port tried first without --port; a free one when it is taken. */
export const DEFAULT_PORT = 8765;
const HOST = '127.0.0.1';

/** What the page needs for SharedArrayBuffer (vite.config.ts sends the same in development). */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Only this origin. Workers are module scripts of the page's origin; images
 * may be blob: (the parallel coordinates' PNG export draws its SVG overlay
 * through one); lit templates set `style="…"` attributes (style-src-attr),
 * while style sheets and <style> elements must come from this origin. The
 * parse worker compiles WebAssembly (the Snappy decoder of
 * hyparquet-compressors, an inlined module): 'wasm-unsafe-eval'. The
 * parallel coordinates draw with regl, which compiles its draw commands with
 * `Function(…)` (code generation, from its own strings): without
 * 'unsafe-eval' its lines are not drawn. Drop 'unsafe-eval' if regl goes
 * (tests/browser/open.test.ts then shows whether anything else needs it).
 * No inline scripts, no other origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' blob:",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  ...ISOLATION,
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function fail(message: string): never {
  throw new SweepError(message);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The path the file is served at: /sweep/<its name, URL-encoded>. */
export function sweepPath(file: string): string {
  return `/sweep/${encodeURIComponent(basename(file))}`;
}

/** The page's address for the file: `/?file=/sweep/…` (the value encoded as a query value; `/` may stay). */
export function pageUrl(origin: string, file: string): string {
  return `${origin}/?file=${encodeURIComponent(sweepPath(file)).replace(/%2F/g, '/')}`;
}

// ---------------------------------------------------------------------------
// The page directory.

/** The package root: the nearest folder above this module with the package.json named "sweepscope". */
export function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const name: unknown = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name;
        if (name === 'sweepscope') return dir;
      } catch {
        // not ours: keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The newest modification time of the page's sources in a working copy (0 when there are none, as in an install). */
function newestPageSource(root: string): number {
  let newest = 0;
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    const s = statSync(path);
    if (s.isDirectory()) {
      for (const f of readdirSync(path)) if (!(path === join(root, 'src') && f === 'cli')) visit(join(path, f));
    } else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of ['src', 'workers', 'public', 'index.html', 'vite.config.ts']) visit(join(root, p));
  return newest;
}

/** Runs the installed `vite build` in `root` (into dist/page); false when Vite is not installed. */
function buildPage(root: string, why: string): { ok: boolean; message: string } {
  let viteBin: string;
  try {
    viteBin = join(dirname(createRequire(join(root, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  } catch {
    return { ok: false, message: 'Vite (a development dependency) is not installed' };
  }
  const t0 = performance.now();
  process.stderr.write(`sweepscope: ${why}: building it with vite build (a few seconds)…\n`);
  const r = spawnSync(process.execPath, [viteBin, 'build', '--logLevel', 'error'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) {
    const first = (r.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? r.error?.message ?? `exit code ${String(r.status)}`;
    return { ok: false, message: `vite build failed: ${first.trim()}` };
  }
  process.stderr.write(`sweepscope: built the page in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return { ok: true, message: '' };
}

/**
 * The folder of the built page: SWEEPSCOPE_PAGE_DIR, else dist/page of the
 * package, built first when missing or older than its sources. Throws
 * SweepError (one line) when there is none.
 */
export function resolvePageDir(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.SWEEPSCOPE_PAGE_DIR;
  if (given !== undefined && given !== '') {
    const dir = resolve(given);
    if (!existsSync(join(dir, 'index.html'))) fail(`SWEEPSCOPE_PAGE_DIR=${given} has no index.html: point it at a page build (vite build --outDir DIR)`);
    return dir;
  }
  const root = packageRoot();
  if (root === null) fail('cannot find the sweepscope package (and its page) above this program: set SWEEPSCOPE_PAGE_DIR to a page build');
  const dir = join(root, 'dist', 'page');
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    const b = buildPage(root, 'the page is not built yet (dist/page is missing)');
    if (!b.ok || !existsSync(index)) fail(`the page is not built (${dir} is missing) and cannot be built: ${b.message || 'no index.html'}; run \`npm run build\` in ${root}`);
  } else if (newestPageSource(root) > statSync(index).mtimeMs) {
    const b = buildPage(root, 'the page (dist/page) is older than its sources');
    if (!b.ok) process.stderr.write(`sweepscope: ${b.message}: serving the previous build of the page\n`);
  }
  return dir;
}

// ---------------------------------------------------------------------------
// The server.

export interface OpenServerOptions {
  /** The sweep file (checked to be a readable regular file). */
  file: string;
  /** The folder of the built page (with index.html). */
  pageDir: string;
  /** A port; 0 for any free one. */
  port: number;
  /** When `port` is taken, use any free one instead of failing (the default port). */
  fallback?: boolean;
}

export interface OpenServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  /** The page's address for the file. */
  url: string;
  /** The path the file is served at. */
  sweepPath: string;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

/** Checks that `file` is a readable regular file; throws SweepError (one line) if not. */
export async function checkSweepFile(file: string): Promise<string> {
  const path = resolve(file);
  let s;
  try {
    s = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') fail(`cannot open '${file}': no such file`);
    if (code === 'EACCES') fail(`cannot open '${file}': permission denied`);
    fail(`cannot open '${file}': ${errorText(e)}`);
  }
  if (s.isDirectory()) fail(`cannot open '${file}': it is a directory; give a sweep file (.csv, .arrow, …)`);
  if (!s.isFile()) fail(`cannot open '${file}': not a regular file`);
  try {
    await access(path, fsConstants.R_OK);
    await (await openFile(path, 'r')).close();
  } catch (e) {
    fail(`cannot open '${file}': ${(e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : errorText(e)}`);
  }
  return path;
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  const body = `${text}\n`;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * The decoded path of a request, or the status to refuse it with: 400 for
 * what no browser sends (no leading slash, bad escapes, NUL, backslashes),
 * 403 for `.`/`..` segments.
 */
export function requestPath(rawUrl: string): string | 400 | 403 {
  const q = rawUrl.search(/[?#]/);
  const raw = q < 0 ? rawUrl : rawUrl.slice(0, q);
  if (!raw.startsWith('/') || raw.startsWith('//')) return 400;
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return 400;
  }
  if (path.includes('\0') || path.includes('\\')) return 400;
  const segments = path.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return 403;
  return path;
}

/** Sends a file of the page directory, or 404. */
async function sendPageFile(req: IncomingMessage, res: ServerResponse, pageDir: string, path: string): Promise<void> {
  const rel = path === '/' ? 'index.html' : path.slice(1);
  // Dot-files (and empty segments) are not part of a build.
  if (rel.split('/').some((s) => s === '' || s.startsWith('.'))) return plain(res, 404, 'Not found');
  const candidate = join(pageDir, rel);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return plain(res, 404, 'Not found');
  }
  if (!real.startsWith(pageDir + sep)) return plain(res, 404, 'Not found');
  await sendFile(req, res, real, MIME[extname(real).toLowerCase()] ?? 'application/octet-stream', 'no-cache');
}

/** Streams a regular file with its length (opened once, so the length is the one sent). */
async function sendFile(req: IncomingMessage, res: ServerResponse, path: string, type: string, cache: string): Promise<void> {
  let handle;
  try {
    handle = await openFile(path, 'r');
  } catch {
    return plain(res, 404, 'Not found');
  }
  try {
    const s = await handle.stat();
    if (!s.isFile()) {
      await handle.close();
      return plain(res, 404, 'Not found');
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': String(s.size), 'Cache-Control': cache });
    if (req.method === 'HEAD' || s.size === 0) {
      await handle.close();
      res.end();
      return;
    }
  } catch (e) {
    await handle.close().catch(() => undefined);
    throw e;
  }
  const stream = handle.createReadStream();
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((ok, ko) => {
    const onError = (e: Error): void => {
      server.off('listening', onListening);
      ko(e);
    };
    const onListening = (): void => {
      server.off('error', onError);
      ok();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: HOST, port, exclusive: true });
  });
}

/** Starts the server (the file checked first); throws SweepError (one line) when it cannot. */
export async function startOpenServer(options: OpenServerOptions): Promise<OpenServer> {
  const file = await checkSweepFile(options.file);
  const pageDir = await realpath(options.pageDir);
  const filePath = sweepPath(file);
  const fileRoute = decodeURIComponent(filePath);
  const hosts = new Set<string>();

  const server = createServer((req, res) => {
    const method = req.method ?? '';
    if (method !== 'GET' && method !== 'HEAD') return plain(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
    if (!hosts.has((req.headers.host ?? '').toLowerCase())) return plain(res, 403, `Forbidden: this server answers only ${[...hosts][0]}`);
    const path = requestPath(req.url ?? '');
    if (path === 400) return plain(res, 400, 'Bad request');
    if (path === 403) return plain(res, 403, 'Forbidden');
    const done =
      path === fileRoute
        ? sendFile(req, res, file, 'application/octet-stream', 'no-store')
        : sendPageFile(req, res, pageDir, path);
    done.catch((e: unknown) => {
      if (!res.headersSent) plain(res, 500, `Internal error: ${errorText(e)}`);
      else res.destroy();
    });
  });

  try {
    await listen(server, options.port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' && options.fallback) await listen(server, 0);
    else if (code === 'EADDRINUSE') fail(`port ${options.port} on ${HOST} is in use: choose another with --port P (or --port 0 for any free port)`);
    else if (code === 'EACCES') fail(`not allowed to listen on port ${options.port}: choose another with --port P (above 1023)`);
    else fail(`cannot listen on ${HOST}:${options.port}: ${errorText(e)}`);
  }
  const port = (server.address() as AddressInfo).port;
  hosts.add(`${HOST}:${port}`);
  hosts.add(`localhost:${port}`);
  const origin = `http://${HOST}:${port}`;
  return {
    origin,
    port,
    url: pageUrl(origin, file),
    sweepPath: filePath,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------
// The command.

export const OPEN_USAGE = 'sweepscope open FILE [--port P] [--no-open]';

function parseOpenArgs(args: string[]): { file: string; port: number | null; open: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { port: { type: 'string' }, 'no-open': { type: 'boolean' } },
    });
  } catch (e) {
    const msg = errorText(e).split('\n')[0].replace(/\. To specify a positional.*$/, '');
    fail(`${msg}: usage: ${OPEN_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) fail(`open takes one FILE (a sweep file): usage: ${OPEN_USAGE}`);
  let port: number | null = null;
  if (values.port !== undefined) {
    const text = values.port.trim();
    port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer from 0 (any free port) to 65535, not '${values.port}'`);
  }
  return { file: positionals[0], port, open: values['no-open'] !== true };
}

/** Opens the default browser on `url`; says so (and prints the URL to open by hand) when it cannot. */
async function launchBrowser(url: string): Promise<void> {
  try {
    const { default: open } = await import('open');
    await open(url);
  } catch (e) {
    process.stderr.write(`sweepscope: could not open a browser (${errorText(e).split('\n')[0]}): open ${url} yourself\n`);
  }
}

/**
 * Runs `sweepscope open`: serves until Ctrl+C or SIGTERM, then closes the
 * server and resolves 0; a user error is one line on stderr and 2.
 */
export async function runOpen(args: string[]): Promise<number> {
  let server: OpenServer;
  let opts: ReturnType<typeof parseOpenArgs>;
  try {
    opts = parseOpenArgs(args);
    await checkSweepFile(opts.file);
    const pageDir = resolvePageDir();
    server = await startOpenServer({ file: opts.file, pageDir, port: opts.port ?? DEFAULT_PORT, fallback: opts.port === null });
  } catch (e) {
    if (!(e instanceof SweepError)) throw e;
    process.stderr.write(`sweepscope: ${e.message.split('\n')[0]}\n`);
    return 2;
  }
  process.stdout.write(`sweepscope: serving ${opts.file} at ${server.url} (Ctrl+C to stop)\n`);
  const stopped = new Promise<void>((ok) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      ok();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  if (opts.open) await launchBrowser(server.url);
  await stopped;
  await server.close();
  process.stderr.write('sweepscope: stopped\n');
  return 0;
}
