import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { httpStatusFor, toApiError, type ApiError } from '../api/errors.js';
import type { EventBus } from '../services/events.js';
import type { Router } from '../services/router.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';
import { resolveStatic, sendFile } from './static.js';

export interface HttpBridgeOptions {
  router: Router;
  events: EventBus;
  /** Folder of the built renderer (dist/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); default: 32 random bytes per run. */
  token?: string;
  maxBodyBytes?: number;
  /**
   * Binary voxel data (`GET /api/voxels/<kind>/<id>`, framed as in api/voxels.ts); without it
   * the route answers 404.
   */
  voxels?: (kind: string, id: string) => Promise<Uint8Array>;
}

export interface HttpBridge {
  server: Server;
  port: number;
  token: string;
  url: string;
  close(): Promise<void>;
}

const COOKIE = 'radstudy_token';
const HOST = '127.0.0.1';

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, httpStatusFor(error.code), { ok: false, error });
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Browser mode's bridge: the renderer and the same API router over HTTP + server-sent events,
 * bound to 127.0.0.1 only. Every request needs the per-run token: in `x-radstudy-token` (API
 * calls from the renderer), `Authorization: Bearer` (scripts), `?token=` (the first page load,
 * which then sets an HttpOnly SameSite=Strict cookie for assets and the event stream).
 * The Host header must name the loopback address, which defeats DNS rebinding.
 */
export async function startHttpBridge(opts: HttpBridgeOptions): Promise<HttpBridge> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const staticRoot = path.resolve(opts.staticDir);
  const maxBody = opts.maxBodyBytes ?? 16 * 1024 * 1024;
  let port = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, { code: 'INTERNAL', message: 'The request could not be handled.' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const host = req.headers.host ?? '';
    if (host !== `${HOST}:${port}` && host !== `localhost:${port}`) {
      sendError(res, { code: 'FORBIDDEN', message: `Requests must be addressed to ${HOST}:${port}.` });
      return;
    }
    const bearer = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined;
    const headerToken = (req.headers['x-radstudy-token'] as string | undefined) ?? bearer;
    const queryToken = url.searchParams.get('token') ?? undefined;
    const isApi = url.pathname.startsWith('/api/');
    // API calls that change state must carry the header (a cross-site form cannot set one);
    // the cookie is enough only for GETs of the page, its assets and the event stream.
    const authorized =
      sameToken(headerToken, token) ||
      (req.method === 'GET' && (sameToken(queryToken, token) || sameToken(cookieToken(req), token)));
    if (!authorized) {
      res.setHeader('www-authenticate', 'Bearer realm="RadStudy"');
      sendError(res, {
        code: 'UNAUTHORIZED',
        message: 'This RadStudy session needs its access token: open the URL that `radstudy serve` printed.',
      });
      return;
    }

    if (isApi) {
      if (req.method === 'GET' && url.pathname === '/api/health') {
        const result = await opts.router.call('system.health', {}, { transport: 'http' });
        if (result.ok) sendJson(res, 200, result.data);
        else sendError(res, result.error);
        return;
      }
      if (req.method === 'GET' && url.pathname === '/api/events') {
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write(': connected\n\n');
        const unsubscribe = opts.events.subscribe((event) => {
          res.write(`data: ${JSON.stringify(event)}\n\n`);
        });
        const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
        req.on('close', () => {
          clearInterval(ping);
          unsubscribe();
        });
        return;
      }
      const vox = /^\/api\/voxels\/([a-z]+)\/([0-9]+)$/.exec(url.pathname);
      if (vox && req.method === 'GET' && opts.voxels) {
        let bytes: Uint8Array;
        try {
          bytes = await opts.voxels(vox[1]!, vox[2]!);
        } catch (err) {
          sendError(res, toApiError(err));
          return;
        }
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': String(bytes.byteLength),
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        });
        res.end(bytes);
        return;
      }
      const m = /^\/api\/rpc\/([A-Za-z0-9_.-]+)$/.exec(url.pathname);
      if (m && req.method === 'POST') {
        let input: unknown = {};
        try {
          const body = await readBody(req, maxBody);
          input = body.trim() === '' ? {} : (JSON.parse(body) as unknown);
        } catch (err) {
          const tooLarge = (err as Error).message === 'too large';
          sendError(res, {
            code: 'VALIDATION',
            message: tooLarge
              ? `The request body is larger than ${Math.round(maxBody / 1048576)} MB.`
              : 'The request body is not valid JSON.',
          });
          return;
        }
        const result = await opts.router.call(m[1]!, input, { transport: 'http' });
        if (result.ok) sendJson(res, 200, result);
        else sendError(res, result.error);
        return;
      }
      sendError(res, { code: 'NOT_FOUND', message: `No API endpoint ${req.method} ${url.pathname}.` });
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, { code: 'NOT_FOUND', message: `No endpoint ${req.method} ${url.pathname}.` });
      return;
    }
    const pageHeaders: Record<string, string> = {
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    };
    const file = resolveStatic(staticRoot, url.pathname === '/' ? '/index.html' : url.pathname);
    if (file && sendFile(res, file, file.endsWith('.html') ? pageHeaders : {})) return;
    // Client-side routes fall back to the app shell; missing assets are plain 404s.
    if (!path.extname(url.pathname) && sendFile(res, path.join(staticRoot, 'index.html'), pageHeaders)) return;
    sendError(res, { code: 'NOT_FOUND', message: `Not found: ${url.pathname}` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    server,
    port,
    token,
    url: `http://${HOST}:${port}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
