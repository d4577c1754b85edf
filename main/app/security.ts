import { CONTENT_SECURITY_POLICY } from '../server/csp.js';
import type { SessionLike, WebContentsLike, WebPreferencesLike } from './electron-types.js';

/** The renderer gets no Node, runs sandboxed, and sees the outside only through the preload bridge. */
export function secureWebPreferences(preload: string): WebPreferencesLike {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** True for the app's own pages (loaded from the packaged renderer folder). */
export function isAppUrl(url: string, appRootUrl: string): boolean {
  return url.startsWith(appRootUrl);
}

/**
 * No navigation away from the app, no new windows, no <webview>. Links to the outside world
 * are not followed (a study app has no reason to browse).
 */
export function lockDownContents(contents: WebContentsLike, appRootUrl: string): void {
  const guard = (e: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url, appRootUrl)) e.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Adds the CSP header to every response and refuses every permission request (camera, etc.). */
export function lockDownSession(session: SessionLike): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...(details.responseHeaders ?? {}),
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}
