/**
 * The mouse and keyboard gestures every slice view shares (SliceView.vue, ComparePane.vue):
 * middle or Shift+left drag = pan, right drag = window/level (one pixel changes the window by
 * 0.5 % of itself: fine control at any intensity scale), wheel = slice, Ctrl+wheel = zoom,
 * arrow keys / PageUp / PageDown = slice, left = crosshair within the view's plane unless the
 * view's `primary` handler takes the press (a segmentation tool).
 */
import type { Ref } from 'vue';
import type { Vec3 } from '../../../main/compute/imaging/volume.js';
import { inPlane, mmPerPixel, pixelToPhysical, type CameraLike } from './linking.js';
import { ORIENTATIONS, screenRight, type ViewId } from './orientation.js';
import type { WindowLevel } from './windowLevel.js';

/** A left-button drag a view's tool started: its moves (view pixels) and its end. */
export interface PrimaryDrag {
  move?(x: number, y: number): void;
  end?(): void;
}

export interface SliceGestureTarget {
  view: ViewId;
  container: Ref<HTMLElement | null>;
  size: Ref<[number, number]>;
  hasVolume(): boolean;
  camera(): CameraLike;
  crosshair(): Vec3;
  windowLevel(): WindowLevel;
  setCrosshair(p: Vec3): void;
  pan(deltaMm: Vec3): void;
  setWindowLevel(wl: WindowLevel): void;
  zoom(factor: number): void;
  scroll(steps: number): void;
  /**
   * A left press (without Shift) at view pixel (x, y): a drag of the view's tool, `null` when the
   * tool did all it does on the press, or `undefined` to move the crosshair (the default).
   */
  primary?(x: number, y: number, e: PointerEvent): PrimaryDrag | null | undefined;
  /** Every pointer move over the view (the brush outline). */
  hover?(x: number, y: number): void;
}

type Drag =
  { kind: 'primary'; drag: PrimaryDrag } | { kind: 'crosshair' } | { kind: 'pan' | 'windowLevel'; last: [number, number] };

const KEY_STEPS: Record<string, number> = { ArrowUp: 1, ArrowDown: -1, PageUp: 10, PageDown: -10 };

export function useSliceGestures(t: SliceGestureTarget) {
  const orientation = ORIENTATIONS[t.view];
  const right = screenRight(orientation);
  const up = orientation.viewUp;
  let drag: Drag | null = null;

  function local(e: PointerEvent | WheelEvent): [number, number] {
    const r = t.container.value!.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  /** The view pixel as an LPS point on the camera's focal plane. */
  const toWorld = (x: number, y: number): Vec3 => pixelToPhysical(t.camera(), t.view, t.size.value, x, y);

  // Within the plane: moving the crosshair keeps the view's slice (toWorld is on the focal plane).
  const moveCrosshair = (x: number, y: number): void => t.setCrosshair(inPlane(t.view, t.crosshair(), toWorld(x, y)));

  function onPointerDown(e: PointerEvent): void {
    if (!t.hasVolume()) return;
    t.container.value?.focus();
    const [x, y] = local(e);
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    if (e.button === 1 || (e.button === 0 && e.shiftKey)) drag = { kind: 'pan', last: [x, y] };
    else if (e.button === 2) drag = { kind: 'windowLevel', last: [x, y] };
    else if (e.button === 0) {
      const tool = t.primary?.(x, y, e);
      if (tool) drag = { kind: 'primary', drag: tool };
      else if (tool === undefined) {
        moveCrosshair(x, y);
        drag = { kind: 'crosshair' };
      }
    }
    e.preventDefault();
  }

  function onPointerMove(e: PointerEvent): void {
    const [x, y] = local(e);
    t.hover?.(x, y);
    if (!drag) return;
    if (drag.kind === 'primary') drag.drag.move?.(x, y);
    else if (drag.kind === 'crosshair') moveCrosshair(x, y);
    else if (drag.kind === 'pan') {
      const mm = mmPerPixel(t.camera(), t.size.value[1]);
      const dx = (x - drag.last[0]) * mm;
      const dy = (drag.last[1] - y) * mm;
      t.pan([right[0] * dx + up[0] * dy, right[1] * dx + up[1] * dy, right[2] * dx + up[2] * dy]);
      drag.last = [x, y];
    } else {
      const wl = t.windowLevel();
      const step = Math.max(wl.window, 1) * 0.005;
      t.setWindowLevel({ window: wl.window + (x - drag.last[0]) * step, level: wl.level - (y - drag.last[1]) * step });
      drag.last = [x, y];
    }
  }

  function onPointerUp(e: PointerEvent): void {
    if (drag?.kind === 'primary') drag.drag.end?.();
    drag = null;
    (e.currentTarget as HTMLElement).releasePointerCapture?.(e.pointerId);
  }

  function onWheel(e: WheelEvent): void {
    if (!t.hasVolume()) return;
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) t.zoom(e.deltaY < 0 ? 1.1 : 1 / 1.1);
    else t.scroll(e.deltaY < 0 ? 1 : -1);
  }

  function onKey(e: KeyboardEvent): void {
    const s = KEY_STEPS[e.key];
    if (s === undefined || !t.hasVolume()) return;
    e.preventDefault();
    e.stopPropagation();
    t.scroll(s);
  }

  return { onPointerDown, onPointerMove, onPointerUp, onWheel, onKey, toWorld };
}
