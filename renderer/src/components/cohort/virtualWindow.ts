import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

/**
 * Row and column windowing for a large table with a fixed row height: only the rows (and the
 * columns) that intersect the viewport, plus a small margin, are rendered; spacers keep the
 * scroll extent of the whole table.
 */

export interface RowWindow {
  /** First rendered row (inclusive). */
  start: number;
  /** Last rendered row (exclusive). */
  end: number;
}

/**
 * Rows intersecting [scrollTop, scrollTop + height), widened by `overscan` rows on each side.
 * The first row is rounded down to a multiple of `chunk`, so most scroll steps leave the window
 * (and the rendered rows) unchanged: the table re-renders only every `chunk` rows.
 */
export function rowWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  rowCount: number,
  overscan: number,
  chunk = 1,
): RowWindow {
  if (rowCount <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const step = Math.max(1, Math.floor(chunk));
  const first = Math.floor(Math.floor(Math.max(0, scrollTop) / rowHeight) / step) * step;
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(rowCount - 1, first - overscan));
  const end = Math.min(rowCount, first + visible + step + overscan);
  return { start, end: Math.max(start, end) };
}

export interface ColumnWindow {
  start: number;
  end: number;
  /** Width of the columns skipped at the left, in px. */
  leftPx: number;
}

/**
 * Scrolling columns intersecting the visible band. `offsets[i]` is the left edge of column i
 * within the scrolling part (after the pinned columns), `offsets[n]` the total width.
 */
export function columnWindow(
  offsets: readonly number[],
  scrollLeft: number,
  visibleWidth: number,
  overscanPx: number,
): ColumnWindow {
  const n = offsets.length - 1;
  if (n <= 0) return { start: 0, end: 0, leftPx: 0 };
  const lo = Math.max(0, scrollLeft - overscanPx);
  const hi = scrollLeft + Math.max(0, visibleWidth) + overscanPx;
  // Binary search for the first column whose right edge is past `lo`.
  let a = 0;
  let b = n;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (offsets[mid + 1]! <= lo) a = mid + 1;
    else b = mid;
  }
  const start = Math.min(a, n - 1);
  let end = start;
  while (end < n && offsets[end]! < hi) end++;
  return { start, end: Math.max(end, start + 1), leftPx: offsets[start]! };
}

/** Scroll position and size of an element, updated at most once per animation frame. */
export function useScrollBox(el: Ref<HTMLElement | null>): {
  scrollTop: Ref<number>;
  scrollLeft: Ref<number>;
  width: Ref<number>;
  height: Ref<number>;
  onScroll: () => void;
  scrollToTop: () => void;
} {
  const scrollTop = ref(0);
  const scrollLeft = ref(0);
  const width = ref(0);
  const height = ref(0);
  let frame = 0;
  let observer: ResizeObserver | null = null;

  function read(): void {
    frame = 0;
    const box = el.value;
    if (!box) return;
    scrollTop.value = box.scrollTop;
    scrollLeft.value = box.scrollLeft;
    width.value = box.clientWidth;
    height.value = box.clientHeight;
  }

  function onScroll(): void {
    if (frame === 0) frame = requestAnimationFrame(read);
  }

  function scrollToTop(): void {
    if (el.value) el.value.scrollTop = 0;
    scrollTop.value = 0;
  }

  onMounted(() => {
    read();
    if (el.value && typeof ResizeObserver === 'function') {
      observer = new ResizeObserver(() => onScroll());
      observer.observe(el.value);
    }
  });
  onBeforeUnmount(() => {
    if (frame !== 0) cancelAnimationFrame(frame);
    observer?.disconnect();
  });

  return { scrollTop, scrollLeft, width, height, onScroll, scrollToTop };
}

/** Prefix sums of widths: offsets[i] = left edge of item i, offsets[n] = total. */
export function offsetsOf(widths: readonly number[]): number[] {
  const out = new Array<number>(widths.length + 1);
  out[0] = 0;
  for (let i = 0; i < widths.length; i++) out[i + 1] = out[i]! + widths[i]!;
  return out;
}
