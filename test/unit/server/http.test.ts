import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpBridge, type HttpBridge } from '../../../main/server/http.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;
let bridge: HttpBridge;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(method: string, urlPath: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: bridge.port, method, path: urlPath, headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

beforeAll(async () => {
  t = tmpDir();
  const staticDir = path.join(t.dir, 'renderer');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>RadStudy</title>');
  writeFileSync(path.join(staticDir, 'assets', 'app-abcdef12.js'), 'console.log(1)');
  writeFileSync(path.join(t.dir, 'secret.txt'), 'do not serve');
  services = createServices({ mode: 'browser', configDir: t.dir });
  bridge = await startHttpBridge({ router: services.router, events: services.events, staticDir });
});
afterAll(async () => {
  await bridge.close();
  await services.shutdown();
  t.cleanup();
});

describe('browser-mode HTTP bridge', () => {
  it('listens on the loopback address only and prints a tokenized URL', () => {
    const addr = bridge.server.address();
    expect(typeof addr === 'object' && addr?.address).toBe('127.0.0.1');
    expect(bridge.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${bridge.port}/\\?token=[A-Za-z0-9_-]{40,}$`));
  });

  it('answers 401 without the token or with a wrong one', async () => {
    const none = await request('GET', '/api/health');
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).error.code).toBe('UNAUTHORIZED');
    expect((await request('GET', '/api/health', { 'x-radstudy-token': 'wrong' })).status).toBe(401);
    expect((await request('GET', '/api/health?token=' + bridge.token.slice(0, -1) + 'x')).status).toBe(401);
    expect((await request('GET', '/')).status).toBe(401);
    expect((await request('POST', '/api/rpc/study.current', {}, '{}')).status).toBe(401);
  });

  it('serves health and RPC calls with the token', async () => {
    const health = await request('GET', '/api/health', { authorization: `Bearer ${bridge.token}` });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ ok: true, app: 'RadStudy', mode: 'browser', studyPath: null });
    const cur = await request('POST', '/api/rpc/study.current', { 'x-radstudy-token': bridge.token }, '{}');
    expect(JSON.parse(cur.body)).toEqual({ ok: true, data: null });
  });

  it('rejects requests that fail schema validation with 400 and the field', async () => {
    const r = await request('POST', '/api/rpc/study.create', { 'x-radstudy-token': bridge.token }, JSON.stringify({ path: 42 }));
    expect(r.status).toBe(400);
    const body = JSON.parse(r.body);
    expect(body.error.code).toBe('VALIDATION');
    expect(body.error.message).toContain('path');
    const notJson = await request('POST', '/api/rpc/study.create', { 'x-radstudy-token': bridge.token }, '{path:');
    expect(notJson.status).toBe(400);
    const unknown = await request('POST', '/api/rpc/system.shell', { 'x-radstudy-token': bridge.token }, '{}');
    expect(unknown.status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await request('GET', '/api/health', { host: `evil.example:${bridge.port}`, 'x-radstudy-token': bridge.token });
    expect(r.status).toBe(403);
  });

  it('serves the page with a strict CSP and an HttpOnly cookie that authorizes assets but not API writes', async () => {
    const page = await request('GET', `/?token=${bridge.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("object-src 'none'");
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(';')[0]!;
    const asset = await request('GET', '/assets/app-abcdef12.js', { cookie: pair });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    const write = await request('POST', '/api/rpc/study.close', { cookie: pair }, '{}');
    expect(write.status).toBe(401);
    const spa = await request('GET', '/jobs', { cookie: pair });
    expect(spa.body).toContain('<title>RadStudy</title>');
  });

  it('never serves files outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const r = await request('GET', p, { 'x-radstudy-token': bridge.token });
      expect(r.body).not.toContain('do not serve');
    }
  });

  it('streams events over SSE to an authorized client', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port: bridge.port, path: '/api/events', headers: { 'x-radstudy-token': bridge.token } },
        (res) => {
          expect(res.headers['content-type']).toContain('text/event-stream');
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            buf += c;
            if (buf.includes(': connected'))
              services.events.emit({ type: 'compute', state: 'exited', pid: null, detail: 'test' });
            const m = /data: (.*)\n\n/.exec(buf);
            if (m) {
              req.destroy();
              resolve(m[1]!);
            }
          });
        },
      );
      req.on('error', reject);
    });
    expect(JSON.parse(received)).toEqual({ type: 'compute', state: 'exited', pid: null, detail: 'test' });
  });
});
