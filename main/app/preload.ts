/**
 * The preload script (bundled to CommonJS, runs sandboxed): exposes exactly three functions to
 * the page, `invoke(method, input)`, `voxels(kind, id)` (binary voxel data) and `subscribe(listener)`. No Node, no ipcRenderer, no
 * arbitrary channels reach the renderer.
 */
interface PreloadElectron {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
    removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  };
}

// A sandboxed preload is CommonJS and may require only 'electron' (and a few Node shims).
const { contextBridge, ipcRenderer } = require('electron') as PreloadElectron;

const INVOKE_CHANNEL = 'radstudy:invoke';
const EVENT_CHANNEL = 'radstudy:event';
const VOXELS_CHANNEL = 'radstudy:voxels';

contextBridge.exposeInMainWorld('radstudy', {
  invoke: (method: string, input: unknown) => ipcRenderer.invoke(INVOKE_CHANNEL, String(method), input),
  voxels: (kind: string, id: number) => ipcRenderer.invoke(VOXELS_CHANNEL, String(kind), Number(id)),
  subscribe: (listener: (event: unknown) => void) => {
    const wrapped = (_e: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
    };
  },
});
