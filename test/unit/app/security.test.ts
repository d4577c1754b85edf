import { describe, expect, it } from 'vitest';
import { forwardEvents, INVOKE_CHANNEL, registerIpc } from '../../../main/app/ipc.js';
import { lockDownContents, lockDownSession, secureWebPreferences } from '../../../main/app/security.js';
import type {
  IpcMainInvokeEventLike,
  NavigationEventLike,
  SessionLike,
  WebContentsLike,
} from '../../../main/app/electron-types.js';
import { EventBus } from '../../../main/services/events.js';
import type { Router } from '../../../main/services/router.js';

const APP = 'file:///opt/RadStudy/resources/app/dist/renderer/';

class FakeContents implements WebContentsLike {
  listeners = new Map<string, ((e: NavigationEventLike, url: string) => void)[]>();
  openHandler: ((d: { url: string }) => { action: 'deny' | 'allow' }) | null = null;
  sent: unknown[][] = [];
  destroyed = false;
  on(event: string, listener: (e: NavigationEventLike, url: string) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' | 'allow' }): void {
    this.openHandler = h;
  }
  send(...args: unknown[]): void {
    this.sent.push(args);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  fire(event: string, url = ''): boolean {
    let prevented = false;
    for (const l of this.listeners.get(event) ?? []) l({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

describe('Electron shell hardening (main/app, tested with fakes)', () => {
  it('creates the window with context isolation, sandbox and no Node integration', () => {
    const prefs = secureWebPreferences('/x/preload.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('blocks navigation away from the app, new windows and webviews', () => {
    const wc = new FakeContents();
    lockDownContents(wc, APP);
    expect(wc.fire('will-navigate', 'https://example.org/')).toBe(true);
    expect(wc.fire('will-redirect', 'http://127.0.0.1:9999/')).toBe(true);
    expect(wc.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(wc.fire('will-navigate', `${APP}index.html#/jobs`)).toBe(false);
    expect(wc.fire('will-attach-webview')).toBe(true);
    expect(wc.openHandler?.({ url: 'https://example.org' })).toEqual({ action: 'deny' });
  });

  it('adds the strict CSP to every response and denies permission requests', () => {
    let headersListener: Parameters<SessionLike['webRequest']['onHeadersReceived']>[0] | null = null;
    let permission: boolean | null = null;
    lockDownSession({
      webRequest: { onHeadersReceived: (l) => (headersListener = l) },
      setPermissionRequestHandler: (h) => h(null, 'media', (g) => (permission = g)),
    });
    let out: Record<string, string[]> = {};
    headersListener!({ url: `${APP}index.html`, responseHeaders: { 'X-Other': ['1'] } }, (r) => (out = r.responseHeaders));
    expect(out['Content-Security-Policy']![0]).toContain("script-src 'self'");
    expect(out['Content-Security-Policy']![0]).not.toContain('unsafe-inline');
    expect(out['X-Other']).toEqual(['1']);
    expect(permission).toBe(false);
  });

  it('routes IPC invokes from the app page to the router and refuses other frames', async () => {
    const calls: [string, unknown][] = [];
    const router: Router = {
      methods: () => [],
      call: async (m, i) => {
        calls.push([m, i]);
        return { ok: true, data: 'pong' };
      },
    };
    let handler: ((e: IpcMainInvokeEventLike, ...a: unknown[]) => unknown) | null = null;
    registerIpc({ handle: (ch, l) => ch === INVOKE_CHANNEL && (handler = l) }, router, APP);
    expect(await handler!({ senderFrame: { url: `${APP}index.html` } }, 'system.health', {})).toEqual({ ok: true, data: 'pong' });
    expect(calls).toEqual([['system.health', {}]]);
    const foreign = (await handler!({ senderFrame: { url: 'https://example.org/' } }, 'study.close', {})) as {
      ok: boolean;
      error: { code: string };
    };
    expect(foreign.error.code).toBe('FORBIDDEN');
    const notString = (await handler!({ senderFrame: { url: `${APP}index.html` } }, 42, {})) as { error: { code: string } };
    expect(notString.error.code).toBe('VALIDATION');
    expect(calls).toHaveLength(1);
  });

  it('forwards back-end events to the window until it is destroyed', () => {
    const bus = new EventBus();
    const wc = new FakeContents();
    forwardEvents(bus, wc);
    bus.emit({ type: 'study', study: null });
    wc.destroyed = true;
    bus.emit({ type: 'study', study: null });
    expect(wc.sent).toEqual([['radstudy:event', { type: 'study', study: null }]]);
  });
});
