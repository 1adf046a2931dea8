/**
 * `sweepscope open` (src/cli/open.ts) in Node: the server's headers, the one
 * file it serves, what it refuses (other paths, traversal, a wrong Host,
 * POST), and the command's errors and clean stop. A fake page directory
 * (SWEEPSCOPE_PAGE_DIR) stands in for the page build; tests/browser/open.test.ts
 * drives the real page.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENT_SECURITY_POLICY, pageUrl, requestPath, runOpen, startOpenServer, type OpenServer } from '../src/cli/open.js';

const bin = fileURLToPath(new URL('../bin/sweepscope.mjs', import.meta.url));
const CSV = 'dataset,lr,accuracy\ncifar10,0.1,0.9\ncifar100,0.01,0.7\n';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP request: the path is sent as given (no normalization), with the Host header given. */
function get(port: number, path: string, { method = 'GET', host = `127.0.0.1:${port}` as string | null } = {}): Promise<Answer> {
  return new Promise((ok, ko) => {
    const headers = host === null ? {} : { host };
    const req = request({ host: '127.0.0.1', port, path, method, headers, setHost: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', ko);
    });
    req.on('error', ko);
    req.end();
  });
}

describe('sweepscope open: the server', () => {
  let dir = '';
  let pageDir = '';
  let file = '';
  let server: OpenServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sweepscope-open-'));
    pageDir = join(dir, 'page');
    mkdirSync(join(pageDir, 'assets'), { recursive: true });
    writeFileSync(join(pageDir, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>\n');
    writeFileSync(join(pageDir, 'assets', 'app.js'), 'console.log("app");\n');
    writeFileSync(join(pageDir, 'assets', 'style.css'), 'body{}\n');
    writeFileSync(join(pageDir, '.secret'), 'hidden\n');
    writeFileSync(join(dir, 'outside.txt'), 'outside\n');
    file = join(dir, 'my sweep #1.csv');
    writeFileSync(file, CSV);
    server = await startOpenServer({ file, pageDir, port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page with the isolation, CSP and nosniff headers and the right types', async () => {
    const r = await get(server.port, '/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('/assets/app.js');
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'");
    // no other origin, no inline scripts
    expect(csp).not.toMatch(/\*|https?:|data:|script-src[^;]*'unsafe-inline'/);
    const js = await get(server.port, '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-length']).toBe(String(Buffer.byteLength(js.body)));
    expect(js.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect((await get(server.port, '/assets/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    // localhost:PORT is this server too
    expect((await get(server.port, '/', { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('serves the file at /sweep/<its name>, whole, with its length; HEAD sends no body', async () => {
    expect(server.sweepPath).toBe('/sweep/my%20sweep%20%231.csv');
    expect(server.url).toBe(pageUrl(server.origin, file));
    // the page reads ?file= with URLSearchParams and fetches that path
    const asked = new URL(server.url).searchParams.get('file');
    expect(asked).toBe(server.sweepPath);
    const r = await get(server.port, asked!);
    expect(r.status).toBe(200);
    expect(r.body).toBe(CSV);
    expect(r.headers['content-length']).toBe(String(CSV.length));
    expect(r.headers['content-type']).toBe('application/octet-stream');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    const h = await get(server.port, asked!, { method: 'HEAD' });
    expect(h.status).toBe(200);
    expect(h.headers['content-length']).toBe(String(CSV.length));
    expect(h.body).toBe('');
  });

  it('answers 404 for anything else, and never serves from outside the page', async () => {
    for (const path of ['/nope.js', '/sweep/other.csv', '/sweep/', '/.secret', '/assets/', '/outside.txt', '/package.json']) {
      const r = await get(server.port, path);
      expect(r.status, path).toBe(404);
      expect(r.headers['content-type'], path).toBe('text/plain; charset=utf-8');
    }
  });

  it('refuses path traversal, NUL and backslashes (403/400)', async () => {
    const cases = [
      '/../package.json',
      '/assets/../../outside.txt',
      '/%2e%2e/outside.txt',
      '/%2E%2E%2Fpackage.json',
      '/assets/%2e%2e/%2e%2e/outside.txt',
      '/..%5coutside.txt',
      '/index.html%00.js',
      '/%zz',
      '//etc/passwd',
    ];
    for (const path of cases) {
      const r = await get(server.port, path);
      expect([400, 403], path).toContain(r.status);
      expect(r.body, path).not.toContain('outside');
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
    }
    expect(requestPath('/a/b.js?x=1')).toBe('/a/b.js');
    expect(requestPath('/%2e%2e/x')).toBe(403);
    expect(requestPath('/a%00')).toBe(400);
    expect(requestPath('http://example.com/')).toBe(400);
  });

  it('refuses a Host other than 127.0.0.1:PORT or localhost:PORT (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1', `127.0.0.1:${server.port + 1}`, '', null]) {
      const r = await get(server.port, server.sweepPath, { host });
      // (Node itself answers 400 to an HTTP/1.1 request without a Host.)
      expect(r.status, String(host)).toBe(host === null ? 400 : 403);
      expect(r.body, String(host)).not.toContain('cifar');
    }
  });

  it('allows only GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const r = await get(server.port, '/', { method });
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    }
  });
});

describe('sweepscope open: the command', () => {
  let dir = '';
  let pageDir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sweepscope-open-cli-'));
    pageDir = join(dir, 'page');
    mkdirSync(pageDir);
    writeFileSync(join(pageDir, 'index.html'), '<!doctype html><title>fake</title>\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const env = (): NodeJS.ProcessEnv => ({ ...process.env, SWEEPSCOPE_PAGE_DIR: pageDir });

  it('says one line and exits 2 for a missing file (the command, spawned)', () => {
    const r = spawnSync(process.execPath, [bin, 'open', join(dir, 'nope.csv'), '--no-open'], { encoding: 'utf8', env: env(), timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^sweepscope: cannot open '.*nope\.csv': no such file\n$/);
    expect(r.stdout).toBe('');
  });

  it('says one line and returns 2 for a directory, a bad flag or port, a port in use, no page (runOpen)', async () => {
    const busy = await startOpenServer({ file: join(pageDir, 'index.html'), pageDir, port: 0 });
    const file = join(pageDir, 'index.html');
    const cases: [string[], RegExp, NodeJS.ProcessEnv?][] = [
      [[dir, '--no-open'], /^sweepscope: cannot open '.*': it is a directory; give a sweep file/],
      [[file, '--bogus'], /^sweepscope: Unknown option '--bogus'/],
      [[file, '--port', 'x'], /^sweepscope: --port must be an integer/],
      [[file, '--port', '70000'], /^sweepscope: --port must be an integer/],
      [[], /^sweepscope: open takes one FILE/],
      [[file, 'other.csv'], /^sweepscope: open takes one FILE/],
      [[file, '--no-open', '--port', String(busy.port)], new RegExp(`^sweepscope: port ${busy.port} on 127\\.0\\.0\\.1 is in use: choose another with --port`)],
      [[file, '--no-open'], /^sweepscope: SWEEPSCOPE_PAGE_DIR=.* has no index\.html/, { SWEEPSCOPE_PAGE_DIR: dir }],
    ];
    const write = process.stderr.write.bind(process.stderr);
    const saved = process.env.SWEEPSCOPE_PAGE_DIR;
    try {
      for (const [args, want, extra] of cases) {
        let err = '';
        process.env.SWEEPSCOPE_PAGE_DIR = extra?.SWEEPSCOPE_PAGE_DIR ?? pageDir;
        process.stderr.write = (chunk: string | Uint8Array): boolean => {
          err += String(chunk);
          return true;
        };
        let code: number;
        try {
          code = await runOpen(args);
        } finally {
          process.stderr.write = write;
        }
        expect(code, args.join(' ')).toBe(2);
        expect(err, args.join(' ')).toMatch(want);
        expect(err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      }
    } finally {
      if (saved === undefined) delete process.env.SWEEPSCOPE_PAGE_DIR;
      else process.env.SWEEPSCOPE_PAGE_DIR = saved;
      await busy.close();
    }
  });

  it('serves until SIGTERM, prints the URL, and stops cleanly', async () => {
    const file = join(dir, 'results.csv');
    writeFileSync(file, CSV);
    const child = spawn(process.execPath, [bin, 'open', file, '--no-open', '--port', '0'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const line = await new Promise<string>((ok, ko) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) ok(out);
        });
        void exited.then((code) => ko(new Error(`exited with ${String(code)}: ${stderr}`)));
      });
      const m = /^sweepscope: serving (.*) at (http:\/\/127\.0\.0\.1:(\d+)\/\?file=\/sweep\/results\.csv) \(Ctrl\+C to stop\)\n$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(m![1]).toBe(file);
      const port = Number(m![3]);
      const r = await get(port, '/sweep/results.csv');
      expect(r.status).toBe(200);
      expect(r.body).toBe(CSV);
      expect((await get(port, '/')).body).toContain('fake');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toBe('sweepscope: stopped\n');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
