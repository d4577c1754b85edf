import { toApiError } from '../api/errors.js';
import type { EventBus } from '../services/events.js';
import type { Router } from '../services/router.js';
import type { IpcMainLike, WebContentsLike } from './electron-types.js';
import { isAppUrl } from './security.js';

export const INVOKE_CHANNEL = 'radstudy:invoke';
export const EVENT_CHANNEL = 'radstudy:event';
export const VOXELS_CHANNEL = 'radstudy:voxels';

/**
 * Binary voxel data over IPC: (kind, id) in, the framed bytes of api/voxels.ts out (a Uint8Array
 * crosses structured clone as one copy, no JSON). Failures come back as `{ ok: false, error }`.
 */
export function registerVoxelIpc(
  ipcMain: IpcMainLike,
  voxels: (kind: unknown, id: unknown) => Promise<Uint8Array>,
  appRootUrl: string,
): void {
  ipcMain.handle(VOXELS_CHANNEL, async (event, kind, id) => {
    const from = event.senderFrame?.url ?? '';
    if (!isAppUrl(from, appRootUrl)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'Voxel data is sent only to RadStudy’s own window.' } };
    }
    try {
      return { ok: true, data: await voxels(kind, id) };
    } catch (err) {
      return { ok: false, error: toApiError(err) };
    }
  });
}

/**
 * The Electron adapter over the API router: one invoke channel (method + input in, result
 * out) and one event channel. Calls from any frame that is not the app's own page are refused.
 */
export function registerIpc(ipcMain: IpcMainLike, router: Router, appRootUrl: string): void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, method, input) => {
    const from = event.senderFrame?.url ?? '';
    if (!isAppUrl(from, appRootUrl)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'API calls are accepted only from RadStudy’s own window.' } };
    }
    if (typeof method !== 'string') {
      return { ok: false, error: { code: 'VALIDATION', message: 'The API method name must be a string.' } };
    }
    return router.call(method, input, { transport: 'ipc' });
  });
}

/** Forwards every back-end event to the window while it exists; returns the unsubscribe. */
export function forwardEvents(events: EventBus, contents: WebContentsLike): () => void {
  return events.subscribe((e) => {
    if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, e);
  });
}
