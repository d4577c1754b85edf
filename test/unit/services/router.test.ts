import { describe, expect, it } from 'vitest';
import { AppError } from '../../../main/api/errors.js';
import { createRouter, type Handlers } from '../../../main/services/router.js';

function handlers(overrides: Partial<Handlers>): Handlers {
  const fail = () => {
    throw new Error('not used in this test');
  };
  return new Proxy(overrides as Handlers, {
    get: (target, key) => (target as Record<string, unknown>)[key as string] ?? fail,
  });
}

describe('API router (the contract in main/api)', () => {
  it('refuses an unknown method', async () => {
    const r = await createRouter(handlers({})).call('study.dropEverything', {});
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNKNOWN_METHOD' }) });
  });

  it('rejects input that fails the schema, naming the field, without calling the handler', async () => {
    let called = false;
    const router = createRouter(
      handlers({
        'study.create': () => {
          called = true;
          throw new Error('should not run');
        },
      }),
    );
    const r = await router.call('study.create', { path: '/tmp/x.radstudy', name: '' });
    expect(called).toBe(false);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('VALIDATION');
      expect(r.error.message).toContain('name');
      expect(r.error.details).toEqual({ issues: [expect.objectContaining({ path: 'name' })] });
    }
    const extra = await router.call('study.create', { path: '/tmp/x.radstudy', name: 'x', admin: true });
    expect(!extra.ok && extra.error.code).toBe('VALIDATION');
    const wrongType = await router.call('jobs.get', { id: 'one' });
    expect(!wrongType.ok && wrongType.error.message).toContain('id');
  });

  it('passes AppErrors through as {code, message, details}', async () => {
    const router = createRouter(
      handlers({
        'jobs.get': () => {
          throw new AppError('JOB_NOT_FOUND', 'There is no job #7 in this study.', { id: 7 });
        },
      }),
    );
    expect(await router.call('jobs.get', { id: 7 })).toEqual({
      ok: false,
      error: { code: 'JOB_NOT_FOUND', message: 'There is no job #7 in this study.', details: { id: 7 } },
    });
  });

  it('turns unexpected exceptions into INTERNAL without a stack trace', async () => {
    const router = createRouter(
      handlers({
        'study.current': () => {
          throw new TypeError('cannot read properties of undefined');
        },
      }),
    );
    const r = await router.call('study.current', {});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INTERNAL');
      expect(r.error.message).not.toMatch(/\bat .*\.ts:\d+/);
      expect(r.error.details).toBeUndefined();
    }
  });

  it('never sends a response that breaks the contract', async () => {
    const router = createRouter(handlers({ 'study.recent': () => [{ path: 3 }] as never }));
    const r = await router.call('study.recent', {});
    expect(!r.ok && r.error.code).toBe('INTERNAL');
  });
});
