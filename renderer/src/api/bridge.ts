import type { ApiError, AppEvent } from '../../../main/api/contract.js';

export type CallResult = { ok: true; data: unknown } | { ok: false; error: ApiError };
export type VoxelsResult = { ok: true; data: ArrayBuffer } | { ok: false; error: ApiError };

/**
 * What the renderer may use of the outside world: invoke an API method, and subscribe to
 * pushed events. Electron's preload exposes exactly this as `window.radstudy`; in browser mode
 * the same shape is built over loopback HTTP + server-sent events.
 */
export interface Bridge {
  mode: 'electron' | 'browser';
  invoke(method: string, input: unknown): Promise<CallResult>;
  subscribe(listener: (event: AppEvent) => void): () => void;
  /** Binary voxel data (`volume/<seriesId>`, `mask/<segmentationId>`), framed as in main/api/voxels.ts. */
  voxels(kind: 'volume' | 'mask', id: number): Promise<VoxelsResult>;
  /** Reports when the event stream to the back end is lost and comes back (browser mode). */
  onConnection?(listener: (connected: boolean) => void): () => void;
}

declare global {
  interface Window {
    radstudy?: Omit<Bridge, 'mode' | 'voxels'> & {
      voxels(kind: string, id: number): Promise<{ ok: true; data: Uint8Array } | { ok: false; error: ApiError }>;
    };
  }
}

const TOKEN_KEY = 'radstudy.token';

/** Reads the per-run token from `?token=` once, keeps it for this tab, and hides it from the URL bar. */
export function takeToken(loc: Location = window.location): string | null {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function networkError(method: string, err: unknown): CallResult {
  const reason = err instanceof Error ? err.message : String(err);
  return {
    ok: false,
    error: {
      code: 'INTERNAL',
      message: `RadStudy's back end did not answer (${method}: ${reason}). Is \`radstudy serve\` still running?`,
    },
  };
}

export function createHttpBridge(token: string | null): Bridge {
  const listeners = new Set<(event: AppEvent) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let source: EventSource | null = null;
  let connected: boolean | null = null;
  const setConnected = (value: boolean) => {
    if (connected === value) return;
    connected = value;
    for (const l of connectionListeners) l(value);
  };

  const ensureSource = () => {
    if (source) return;
    // The SSE request is authenticated by the HttpOnly cookie set when the page was served.
    source = new EventSource('/api/events');
    // EventSource reconnects by itself; these only tell the UI whether it is connected now.
    source.addEventListener('open', () => setConnected(true));
    source.addEventListener('error', () => setConnected(false));
    source.addEventListener('message', (msg) => {
      let event: AppEvent;
      try {
        event = JSON.parse((msg as MessageEvent<string>).data) as AppEvent;
      } catch {
        return;
      }
      for (const l of listeners) l(event);
    });
  };

  return {
    mode: 'browser',
    async invoke(method, input) {
      let res: Response;
      try {
        res = await fetch(`/api/rpc/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { 'x-radstudy-token': token } : {}),
          },
          body: JSON.stringify(input ?? {}),
        });
      } catch (err) {
        return networkError(method, err);
      }
      try {
        return (await res.json()) as CallResult;
      } catch (err) {
        return networkError(method, err);
      }
    },
    async voxels(kind, id) {
      const what = `${kind} ${id}`;
      let res: Response;
      try {
        res = await fetch(`/api/voxels/${kind}/${id}`, { headers: token ? { 'x-radstudy-token': token } : {} });
      } catch (err) {
        return networkError(what, err) as VoxelsResult;
      }
      try {
        if (!res.ok || !(res.headers.get('content-type') ?? '').startsWith('application/octet-stream'))
          return (await res.json()) as VoxelsResult;
        return { ok: true, data: await res.arrayBuffer() };
      } catch (err) {
        return networkError(what, err) as VoxelsResult;
      }
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    subscribe(listener) {
      listeners.add(listener);
      ensureSource();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
  };
}

export function detectBridge(): Bridge {
  if (window.radstudy) {
    const exposed = window.radstudy;
    return {
      mode: 'electron',
      invoke: exposed.invoke,
      subscribe: exposed.subscribe,
      async voxels(kind, id) {
        const r = await exposed.voxels(kind, id);
        if (!r.ok) return r;
        // IPC hands over a Uint8Array that may be a view on a larger buffer: keep exactly its bytes.
        const b = r.data;
        const data =
          b.byteOffset === 0 && b.byteLength === b.buffer.byteLength
            ? (b.buffer as ArrayBuffer)
            : (b.slice().buffer as ArrayBuffer);
        return { ok: true, data };
      },
    };
  }
  return createHttpBridge(takeToken());
}
