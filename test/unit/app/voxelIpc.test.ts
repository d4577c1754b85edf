import { describe, expect, it } from 'vitest';
import { registerVoxelIpc, VOXELS_CHANNEL } from '../../../main/app/ipc.js';
import type { IpcMainInvokeEventLike } from '../../../main/app/electron-types.js';
import { AppError } from '../../../main/api/errors.js';
import { parseVoxelResource } from '../../../main/services/viewer/service.js';

const APP = 'file:///opt/RadStudy/resources/app/dist/renderer/';

describe('voxel IPC (Electron)', () => {
  it('answers the framed bytes to the app page, refuses other frames, and reports errors as messages', async () => {
    let handler: ((e: IpcMainInvokeEventLike, ...a: unknown[]) => unknown) | null = null;
    const asked: unknown[] = [];
    registerVoxelIpc(
      { handle: (ch, l) => ch === VOXELS_CHANNEL && (handler = l) },
      async (kind, id) => {
        const r = parseVoxelResource(kind, id);
        asked.push(r);
        if (r.id === 404) throw new AppError('NOT_FOUND', 'There is no image series #404 in this study.');
        return new Uint8Array([1, 2, 3]);
      },
      APP,
    );
    const own = { senderFrame: { url: `${APP}index.html` } };
    expect(await handler!(own, 'volume', 7)).toEqual({ ok: true, data: new Uint8Array([1, 2, 3]) });
    expect(asked).toEqual([{ kind: 'volume', id: 7 }]);
    expect(await handler!(own, 'volume', 404)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'There is no image series #404 in this study.' },
    });
    const bad = (await handler!(own, 'file', '/etc/passwd')) as { ok: false; error: { code: string; message: string } };
    expect(bad.error.code).toBe('VALIDATION');
    const foreign = (await handler!({ senderFrame: { url: 'https://example.org/' } }, 'volume', 7)) as {
      error: { code: string };
    };
    expect(foreign.error.code).toBe('FORBIDDEN');
    expect(asked).toHaveLength(2);
  });
});
