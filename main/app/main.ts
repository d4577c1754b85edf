/**
 * Electron main process: one window, hardened; everything else lives in the services, reached
 * through the same API router that browser mode uses. Kept thin on purpose: the pieces it
 * wires (security.ts, ipc.ts, utility-launcher.ts) are unit-tested with fakes.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createServices } from '../services/index.js';
import type { IpcMainLike, SessionLike, WebContentsLike } from './electron-types.js';
import { forwardEvents, registerIpc, registerVoxelIpc } from './ipc.js';
import { parseVoxelResource, voxelsOf } from '../services/viewer/service.js';
import { lockDownContents, lockDownSession, secureWebPreferences } from './security.js';
import { utilityProcessLauncher, type UtilityProcessModuleLike } from './utility-launcher.js';

interface BrowserWindowLike {
  webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): void;
  show(): void;
}

interface ElectronMain {
  app: {
    whenReady(): Promise<void>;
    on(event: 'window-all-closed' | 'before-quit', listener: (e: { preventDefault(): void }) => void): void;
    quit(): void;
    requestSingleInstanceLock(): boolean;
    setAppUserModelId(id: string): void;
  };
  BrowserWindow: new (opts: Record<string, unknown>) => BrowserWindowLike;
  ipcMain: IpcMainLike;
  session: { defaultSession: SessionLike };
  utilityProcess: UtilityProcessModuleLike;
}

const electron = (await import('electron' as string)) as { default?: ElectronMain } & ElectronMain;
const { app, BrowserWindow, ipcMain, session, utilityProcess } = electron.default ?? electron;

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.resolve(here, '..', '..', 'renderer');
const appRootUrl = pathToFileURL(rendererDir + path.sep).href;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.setAppUserModelId('org.radstudy.app');
  const services = createServices({ mode: 'electron', launcher: utilityProcessLauncher(utilityProcess) });
  const studyArg = process.argv.find((a) => a.endsWith('.radstudy'));

  await app.whenReady();
  lockDownSession(session.defaultSession);
  registerIpc(ipcMain, services.router, appRootUrl);
  registerVoxelIpc(ipcMain, (kind, id) => voxelsOf(services.viewer, parseVoxelResource(kind, id)), appRootUrl);
  if (studyArg) await services.router.call('study.open', { path: studyArg });

  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'RadStudy',
    backgroundColor: '#1e1f22',
    webPreferences: secureWebPreferences(path.join(here, 'preload.cjs')),
  });
  lockDownContents(win.webContents, appRootUrl);
  forwardEvents(services.events, win.webContents);
  win.once('ready-to-show', () => win.show());
  await win.loadURL(pathToFileURL(path.join(rendererDir, 'index.html')).href);

  let quitting = false;
  app.on('before-quit', (e) => {
    if (quitting) return;
    e.preventDefault();
    quitting = true;
    void services.shutdown().finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
}
