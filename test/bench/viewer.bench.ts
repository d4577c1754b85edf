/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Job, Series } from '../../main/api/contract.js';
import { createServices } from '../../main/services/index.js';
import { openBrowser, serve } from '../e2e/harness.js';
import { tmpDir, waitFor } from '../helpers/tmp.js';
import { syntheticSlice } from '../unit/images/studyFixture.js';
import type { Benchmark } from './harness.js';

/**
 * The segmentation workspace in browser mode (Debian Chromium, SwiftShader WebGL, headless)
 * on a 512×512×160 16-bit series: slice scroll rate in the axial view and brush-stroke latency
 * (pointer event → the frame that shows it), both timed in the page with performance.now.
 * Goals from issue 10: ≥ 30 frames/s, p95 < 16 ms; the ratios below are measured / goal.
 * Frame times on SwiftShader depend on how busy the machine's cores are (the GPU is a CPU
 * thread), so the 1-minute load average is recorded beside them; the handler times (the
 * renderer's own JavaScript for one event, synchronously) depend much less on it.
 * Memory: the page's JS heap (CDP Runtime.getHeapUsage) and the resident memory of every
 * Chromium process of the run (browser, renderer, GPU: /proc/<pid>/status VmRSS).
 * viewer-four-sequences: the compare layout with four such series of one exam side by side
 * (issue 10 goal: Chromium RSS < 1.5 GB), the same memory figures with one series open for
 * comparison, and the linked scroll rate (one wheel step moves all four panes).
 */
const SIZE = 512;
const SLICES = 160;
const FPS_GOAL = 30;
const LATENCY_GOAL_MS = 16;

/**
 * Memory (MiB) of the Chromium processes started with `profile`: resident size by process type
 * and summed, and the summed proportional set size (PSS).
 */
function chromiumMemoryMb(profile: string): { rss: Record<string, number>; total: number; pss: number } {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), rssKb: Number(m[3]), args: m[4]! }));
  const root = rows.find((r) => r.args.includes(`--user-data-dir=${profile}`) && !r.args.includes('--type='));
  const rss: Record<string, number> = {};
  let total = 0;
  let pss = 0;
  if (!root) return { rss, total, pss };
  const tree = new Set([root.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of rows)
      if (!tree.has(r.pid) && tree.has(r.ppid)) {
        tree.add(r.pid);
        grew = true;
      }
  }
  for (const r of rows) {
    if (!tree.has(r.pid)) continue;
    const type = /--type=([\w-]+)/.exec(r.args)?.[1] ?? 'browser';
    rss[type] = (rss[type] ?? 0) + r.rssKb / 1024;
    total += r.rssKb / 1024;
    // PSS: each shared page (the Chromium binary, shared libraries, shared memory between the
    // renderer and the GPU process) counted once in total, split among the processes mapping it.
    // A sum of RSS counts those pages once per process, so it overstates what the browser uses.
    pss += (pssKb(r.pid) ?? 0) / 1024;
  }
  return { rss, total, pss };
}

/** Proportional set size (kB) of a process from /proc/PID/smaps_rollup, or null when unreadable. */
function pssKb(pid: number): number | null {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The four sequences of the compare bench (issue 10's example): one exam, one patient, four series UIDs. */
const FOUR: { uid: string; description: string; bValue?: number; temporal?: number }[] = [
  { uid: '1.2.826.0.1.9.11', description: 't2_tse_fs_tra' },
  { uid: '1.2.826.0.1.9.12', description: 'ep2d_diff_b1000', bValue: 1000 },
  { uid: '1.2.826.0.1.9.13', description: 'vibe_dyn_tra_p3', temporal: 3 },
  { uid: '1.2.826.0.1.9.14', description: 'vibe_dyn_tra_p7', temporal: 7 },
];
/** Issue 10: < 1.5 GB with four sequences; RSS ratio against 1.5 GiB, PSS against 1.5 × 10⁹ bytes too. */
const RSS_GOAL_MB = 1536;

async function fourSequenceStudy(dir: string): Promise<{ studyFile: string; lesionId: number; seriesIds: number[] }> {
  const studyFile = path.join(dir, 'bench.radstudy');
  for (const s of FOUR) {
    const folder = path.join(dir, 'exam', s.description);
    mkdirSync(folder, { recursive: true });
    for (let k = 0; k < SLICES; k++)
      writeFileSync(
        path.join(folder, `IM${k}`),
        syntheticSlice({
          series: s.uid,
          description: s.description,
          instance: k + 1,
          z: 1.5 * k,
          rows: SIZE,
          columns: SIZE,
          ...(s.bValue !== undefined ? { bValue: s.bValue } : {}),
          ...(s.temporal !== undefined ? { temporal: s.temporal } : {}),
        }),
      );
  }
  const services = createServices({ mode: 'test', configDir: dir });
  try {
    await services.router.call('study.create', { path: studyFile, name: 'Viewer compare bench' });
    const db = services.study.requireHandle().db;
    const center = db.prepare("INSERT INTO center(code, name) VALUES ('C1', 'Center 1')").run().lastInsertRowid;
    const patient = db.prepare("INSERT INTO patient(code, center_id) VALUES ('P001', ?)").run(center).lastInsertRowid;
    const lesionId = Number(db.prepare("INSERT INTO lesion(patient_id, code) VALUES (?, 'L1')").run(patient).lastInsertRowid);
    const started = await services.router.call('images.import', { folder: path.join(dir, 'exam') });
    if (!started.ok) throw new Error(started.error.message);
    const jobId = (started.data as { jobId: number }).jobId;
    await waitFor(async () => {
      const r = await services.router.call('jobs.get', { id: jobId });
      return r.ok && ['succeeded', 'failed'].includes((r.data as Job).status);
    }, 900_000);
    const list = await services.router.call('images.series.list', {});
    if (!list.ok) throw new Error(list.error.message);
    const byUid = new Map((list.data as Series[]).map((x) => [x.seriesInstanceUid, x.id]));
    const seriesIds = FOUR.map((s) => {
      const id = byUid.get(s.uid);
      if (id === undefined) throw new Error(`The bench series ${s.description} (${s.uid}) was not imported.`);
      return id;
    });
    return { studyFile, lesionId, seriesIds };
  } finally {
    await services.shutdown();
  }
}

/** Pointer moves in the bench stroke (a circle of 60 px radius). */
const MOVES = 200;

/**
 * Scroll, paint and window/level in the open segmentation workspace, timed in the page:
 * frames/s over 120 wheel steps (one per frame), stroke latency (pointer event → the next
 * animation frame, which draws it) over MOVES moves, redraw-only (W/L drag) latency, and the idle
 * frame interval. Under the 60 Hz cap that latency is bounded below by the frame interval: an
 * event dispatched right after a frame waits ~16.7 ms for the next one however fast the drawing
 * is, so "p95 < 16 ms" could never hold there. The goal is the workspace's own cost from event to
 * drawn frame, so its figure comes from a second browser launched with uncapped frames
 * (UNCAPPED_ARGS), where the next frame starts as soon as there is damage; the capped figures are
 * kept as vsync_… (what a 60 Hz display adds on top).
 */
async function measureScrollPaint(page: Page) {
  // tsx (esbuild keepNames) wraps the page functions below in __name(…); give the page a no-op one.
  await page.evaluate('window.__name = (f) => f');
  return page.evaluate(
    async ({ slices, moves }: { slices: number; moves: number }) => {
      const host = document.querySelector('[data-testid="view-axial"] .canvas-host') as HTMLElement;
      const frame = () => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now())));
      const r = host.getBoundingClientRect();
      const at = (x: number, y: number) => ({
        clientX: r.left + x,
        clientY: r.top + y,
        bubbles: true,
        pointerId: 1,
        button: 0,
      });
      await frame();
      // The frame interval with nothing to do: the floor of "event → next frame" when the event
      // comes right after a frame (16.7 ms at 60 Hz vsync; much less with uncapped frames).
      const idle: number[] = [];
      for (let n = 0, last = await frame(); n < 30; n++) {
        const now = await frame();
        idle.push(now - last);
        last = now;
      }
      idle.sort((a, b) => a - b);
      // Scroll: one wheel step per frame through 120 slices; frames/s over the whole run.
      const steps = Math.min(120, slices - 1);
      const scrollHandlers: number[] = [];
      const s0 = performance.now();
      for (let s = 0; s < steps; s++) {
        const e0 = performance.now();
        host.dispatchEvent(new WheelEvent('wheel', { deltaY: s < steps / 2 ? -100 : 100, bubbles: true, cancelable: true }));
        scrollHandlers.push(performance.now() - e0);
        await frame();
      }
      const scrollMs = performance.now() - s0;
      scrollHandlers.sort((a, b) => a - b);
      // Let the scroll's work drain first (the 3D view re-renders its planes for each slice, and
      // under SwiftShader that queue outlives the scroll): up to 5 s, until 10 frames in a row
      // come within 1.5 × the idle interval, so the stroke is not timed on the scroll's backlog.
      const settle = async () => {
        const limit = idle[14]! * 1.5;
        const until = performance.now() + 5000;
        for (let calm = 0, last = await frame(); calm < 10 && performance.now() < until;) {
          const now = await frame();
          calm = now - last <= limit ? calm + 1 : 0;
          last = now;
        }
      };
      await settle();
      // Warm-up: one short stroke first, so that the measured one does not time the first-ever
      // compilation of the brush code (once per session for a user, not once per stroke).
      host.dispatchEvent(new PointerEvent('pointerdown', at(r.width / 3, r.height / 3)));
      for (let m = 0; m < 20; m++) {
        host.dispatchEvent(new PointerEvent('pointermove', at(r.width / 3 + m, r.height / 3)));
        await frame();
      }
      host.dispatchEvent(new PointerEvent('pointerup', at(r.width / 3 + 20, r.height / 3)));
      await settle();
      // Paint: a stroke of `moves` moves; latency from the event to the frame that shows it.
      host.dispatchEvent(new PointerEvent('pointerdown', at(r.width / 2, r.height / 2)));
      await frame();
      const latencies: number[] = [];
      const handlers: number[] = [];
      for (let m = 0; m < moves; m++) {
        const e0 = performance.now();
        const angle = (m / moves) * 2 * Math.PI;
        host.dispatchEvent(
          new PointerEvent('pointermove', at(r.width / 2 + 60 * Math.cos(angle), r.height / 2 + 60 * Math.sin(angle))),
        );
        handlers.push(performance.now() - e0);
        latencies.push((await frame()) - e0);
      }
      handlers.sort((a, b) => a - b);
      host.dispatchEvent(new PointerEvent('pointerup', at(r.width / 2, r.height / 2)));
      latencies.sort((a, b) => a - b);
      // Window/level drag: one redraw of the same slice per event, no texture upload of new
      // voxels: what a frame costs in this WebGL implementation by itself.
      const rightAt = (x: number) => ({ ...at(x, r.height / 2), button: 2 });
      host.dispatchEvent(new PointerEvent('pointerdown', rightAt(10)));
      const redraw: number[] = [];
      for (let m = 1; m <= 40; m++) {
        const e0 = performance.now();
        host.dispatchEvent(new PointerEvent('pointermove', rightAt(10 + m)));
        redraw.push((await frame()) - e0);
      }
      host.dispatchEvent(new PointerEvent('pointerup', rightAt(50)));
      redraw.sort((a, b) => a - b);
      const voxels = document.querySelector('[data-testid="editor-voxels"]')?.textContent ?? '';
      return {
        fps: (steps * 1000) / scrollMs,
        scrollHandler95: scrollHandlers[Math.floor(steps * 0.95)]!,
        p50: latencies[Math.floor(moves * 0.5)]!,
        p95: latencies[Math.floor(moves * 0.95)]!,
        max: latencies[moves - 1]!,
        handler95: handlers[Math.floor(moves * 0.95)]!,
        redraw50: redraw[19]!,
        voxels,
        idleFrame50: idle[14]!,
      };
    },
    { slices: SLICES, moves: MOVES },
  );
}

/** Chromium without the 60 Hz frame cap (a frame is produced as soon as the previous one is done). */
const UNCAPPED_ARGS = ['--disable-frame-rate-limit', '--disable-gpu-vsync'];

export const viewerBenchmarks: Benchmark[] = [
  {
    name: 'viewer-scroll-paint',
    description: `viewer on a ${SIZE}×${SIZE}×${SLICES} series: axial slice scroll frames/s (ratio to the ${FPS_GOAL} fps goal, > 1 meets it) and brush-stroke latency p95 without the 60 Hz wait (ratio to ${LATENCY_GOAL_MS} ms, < 1 meets it; vsync_… the same with it)`,
    async run() {
      const t = tmpDir('radstudy-bench-viewer-');
      const studyFile = path.join(t.dir, 'bench.radstudy');
      const folder = path.join(t.dir, 'exam');
      mkdirSync(folder, { recursive: true });
      for (let k = 0; k < SLICES; k++)
        writeFileSync(
          path.join(folder, `IM${k}`),
          syntheticSlice({
            series: '1.2.826.0.1.9.1',
            description: 't2_tse_fs_tra',
            instance: k + 1,
            z: 1.5 * k,
            rows: SIZE,
            columns: SIZE,
          }),
        );
      const services = createServices({ mode: 'test', configDir: t.dir });
      let seriesId = 0;
      let lesionId = 0;
      try {
        await services.router.call('study.create', { path: studyFile, name: 'Viewer bench' });
        const db = services.study.requireHandle().db;
        const center = db.prepare("INSERT INTO center(code, name) VALUES ('C1', 'Center 1')").run().lastInsertRowid;
        const patient = db.prepare("INSERT INTO patient(code, center_id) VALUES ('P001', ?)").run(center).lastInsertRowid;
        lesionId = Number(db.prepare("INSERT INTO lesion(patient_id, code) VALUES (?, 'L1')").run(patient).lastInsertRowid);
        const started = await services.router.call('images.import', { folder });
        if (!started.ok) throw new Error(started.error.message);
        const jobId = (started.data as { jobId: number }).jobId;
        await waitFor(async () => {
          const r = await services.router.call('jobs.get', { id: jobId });
          return r.ok && ['succeeded', 'failed'].includes((r.data as Job).status);
        }, 600_000);
        const list = await services.router.call('images.series.list', {});
        if (!list.ok) throw new Error(list.error.message);
        seriesId = (list.data as Series[])[0]!.id;
      } finally {
        await services.shutdown();
      }
      const app = await serve(['--study', studyFile, '--port', '0'], { RADSTUDY_CONFIG_DIR: t.dir });
      const browser = await openBrowser();
      try {
        const { page } = browser;
        const loadBefore = os.loadavg()[0]!;
        const base = app.url.replace(/\/\?token=.*/, '');
        await page.goto(app.url);
        const t0 = Date.now();
        await page.goto(`${base}/#/segmentation/edit?lesion=${lesionId}&series=${seriesId}&reader=BENCH`);
        await page
          .getByTestId('slice-axial')
          .filter({ hasText: `/ ${SLICES}` })
          .waitFor({ timeout: 120_000 });
        const openMs = Date.now() - t0;
        const measured = await measureScrollPaint(page);
        // The stroke must have painted: a latency of events that changed nothing would mean nothing.
        if (/^0 voxels/.test(measured.voxels)) throw new Error('The bench stroke painted no voxel.');
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('HeapProfiler.collectGarbage');
        const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
        // performance.memory counts typed-array contents (the volume) too; V8's used heap does not.
        const pageHeap = await page.evaluate(
          () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
        );
        const memory = chromiumMemoryMb(browser.profile);
        // Closed before the uncapped run, so that its frames do not share the two cores with this one's.
        await browser.close();
        // The same in a second browser without the 60 Hz cap (the workspace's own cost per frame).
        const uncapped = await openBrowser(UNCAPPED_ARGS);
        let free: Awaited<ReturnType<typeof measureScrollPaint>>;
        try {
          await uncapped.page.goto(app.url);
          await uncapped.page.goto(`${base}/#/segmentation/edit?lesion=${lesionId}&series=${seriesId}&reader=BENCH2`);
          await uncapped.page
            .getByTestId('slice-axial')
            .filter({ hasText: `/ ${SLICES}` })
            .waitFor({ timeout: 120_000 });
          free = await measureScrollPaint(uncapped.page);
          if (/^0 voxels/.test(free.voxels)) throw new Error('The uncapped bench stroke painted no voxel.');
        } finally {
          await uncapped.close();
        }
        return {
          open_series_ms: openMs,
          idle_frame_interval_p50_ms: measured.idleFrame50,
          scroll_fps: measured.fps,
          scroll_fps_ratio_to_goal: measured.fps / FPS_GOAL,
          // The goal's figure: the uncapped browser's (see measureScrollPaint for why).
          paint_latency_p50_ms: free.p50,
          paint_latency_p95_ms: free.p95,
          paint_latency_p95_ratio_to_goal: free.p95 / LATENCY_GOAL_MS,
          paint_latency_max_ms: free.max,
          vsync_paint_latency_p50_ms: measured.p50,
          vsync_paint_latency_p95_ms: measured.p95,
          redraw_only_p50_ms: measured.redraw50,
          uncapped_idle_frame_interval_p50_ms: free.idleFrame50,
          uncapped_scroll_fps: free.fps,
          uncapped_redraw_only_p50_ms: free.redraw50,
          scroll_handler_p95_ms: measured.scrollHandler95,
          paint_handler_p95_ms: measured.handler95,
          js_heap_MB: pageHeap / 1048576,
          v8_heap_used_MB: heap.usedSize / 1048576,
          array_buffers_MB: (heap.backingStorageSize ?? 0) / 1048576,
          chromium_rss_total_MB: memory.total,
          chromium_pss_total_MB: memory.pss,
          chromium_rss_renderer_MB: memory.rss.renderer ?? 0,
          chromium_rss_gpu_MB: memory.rss['gpu-process'] ?? 0,
          load_average_1min_before: loadBefore,
          load_average_1min_after: os.loadavg()[0]!,
        };
      } finally {
        await browser.close();
        await app.stop();
        t.cleanup();
      }
    },
  },
  {
    name: 'viewer-four-sequences',
    description: `compare layout with four ${SIZE}×${SIZE}×${SLICES} 16-bit series side by side: Chromium RSS total (ratio to the ${RSS_GOAL_MB} MB goal, < 1 meets it), JS heap, and linked scroll frames/s`,
    async run() {
      const t = tmpDir('radstudy-bench-compare-');
      const { studyFile, lesionId, seriesIds } = await fourSequenceStudy(t.dir);
      const app = await serve(['--study', studyFile, '--port', '0'], { RADSTUDY_CONFIG_DIR: t.dir });
      const browser = await openBrowser();
      try {
        const { page } = browser;
        await page.setViewportSize({ width: 1600, height: 900 });
        const loadBefore = os.loadavg()[0]!;
        const base = app.url.replace(/\/\?token=.*/, '');
        await page.goto(app.url);
        await page.goto(`${base}/#/segmentation/edit?lesion=${lesionId}&series=${seriesIds[0]}&reader=BENCH`);
        await page
          .getByTestId('slice-axial')
          .filter({ hasText: `/ ${SLICES}` })
          .waitFor({ timeout: 120_000 });
        const cdp = await page.context().newCDPSession(page);
        const memory = async () => {
          await cdp.send('HeapProfiler.collectGarbage');
          const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
          // performance.memory counts typed-array contents (the volumes) too; V8's used heap does not.
          const pageHeap = await page.evaluate(
            () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
          );
          return { heap, pageHeap, ...chromiumMemoryMb(browser.profile) };
        };
        const one = await memory();
        await page.getByTestId('layout-select').selectOption('compare');
        const t0 = Date.now();
        for (const id of seriesIds.slice(1)) {
          await page.getByTestId('compare-add').selectOption(String(id));
          await page
            .getByTestId(`compare-slice-${id}`)
            .filter({ hasText: `/ ${SLICES}` })
            .waitFor({ timeout: 120_000 });
        }
        const openMs = Date.now() - t0;
        await page.evaluate('window.__name = (f) => f');
        // Linked scroll: one wheel step per frame in the active pane, the three others follow.
        const fps = await page.evaluate(async () => {
          const host = document.querySelector('[data-testid="view-axial"] .canvas-host') as HTMLElement;
          const frame = () => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now())));
          await frame();
          const steps = 60;
          const s0 = performance.now();
          for (let s = 0; s < steps; s++) {
            host.dispatchEvent(new WheelEvent('wheel', { deltaY: s < steps / 2 ? -100 : 100, bubbles: true, cancelable: true }));
            await frame();
          }
          return (steps * 1000) / (performance.now() - s0);
        });
        // The four panes must show their series: a memory figure of panes that loaded nothing would mean nothing.
        const panes = await page.locator('[data-testid^="compare-slice-"]').allTextContents();
        if (panes.length !== 3 || panes.some((p) => !p.endsWith(`/ ${SLICES}`)))
          throw new Error(`The compare layout shows ${panes.length} other series (${panes.join(', ')}), not 3.`);
        const four = await memory();
        const mb = (b: number) => b / 1048576;
        return {
          open_three_more_series_ms: openMs,
          linked_scroll_fps: fps,
          chromium_rss_total_MB: four.total,
          chromium_rss_total_ratio_to_goal: four.total / RSS_GOAL_MB,
          chromium_pss_total_MB: four.pss,
          chromium_pss_total_GB_decimal: (four.pss * 1048576) / 1e9,
          chromium_pss_total_GB_decimal_ratio_to_goal: (four.pss * 1048576) / 1e9 / 1.5,
          chromium_pss_total_one_series_MB: one.pss,
          chromium_rss_renderer_MB: four.rss.renderer ?? 0,
          chromium_rss_gpu_MB: four.rss['gpu-process'] ?? 0,
          chromium_rss_total_one_series_MB: one.total,
          js_heap_MB: mb(four.pageHeap),
          js_heap_one_series_MB: mb(one.pageHeap),
          v8_heap_used_MB: mb(four.heap.usedSize),
          array_buffers_MB: mb(four.heap.backingStorageSize ?? 0),
          array_buffers_one_series_MB: mb(one.heap.backingStorageSize ?? 0),
          voxel_data_four_series_MB: (4 * SIZE * SIZE * SLICES * 2) / 1048576,
          load_average_1min_before: loadBefore,
          load_average_1min_after: os.loadavg()[0]!,
        };
      } finally {
        await browser.close();
        await app.stop();
        t.cleanup();
      }
    },
  },
];
