/**
 * One journal style for every figure, on screen and in exports: a sans-serif face that every
 * journal accepts (Arial metrics, Liberation Sans on Linux), 11 px text, black axes without grid
 * clutter, and the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), which stays
 * distinguishable for protanopia, deuteranopia and tritanopia; sets differ by dash, not colour.
 */
export const FONT_FAMILY = 'Liberation Sans, Arial, Helvetica, sans-serif';
export const FONT_SIZE = 11;

/** Okabe–Ito, in the order models are drawn (black is kept for references). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442'];
export const REFERENCE_COLOR = '#000000';
export const GREY = '#7F7F7F';

export const SET_DASH: Record<string, 'solid' | 'dashed' | 'dotted'> = {
  train: 'solid',
  cv: 'dashed',
  test: 'solid',
  external: 'solid',
};

export const colorOf = (k: number): string => PALETTE[k % PALETTE.length] as string;

const axisCommon = {
  nameLocation: 'middle' as const,
  nameGap: 28,
  nameTextStyle: { fontSize: FONT_SIZE, color: '#000' },
  axisLine: { show: true, lineStyle: { color: '#000', width: 1 } },
  axisTick: { show: true, lineStyle: { color: '#000' } },
  axisLabel: { color: '#000', fontSize: FONT_SIZE - 1 },
  splitLine: { show: false },
};

export function valueAxis(
  name: string,
  min?: number,
  max?: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'value',
    name,
    ...axisCommon,
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    ...extra,
  };
}

export function categoryAxis(name: string, data: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'category', name, data, ...axisCommon, ...extra };
}

/** The frame every option shares: font, white background, title, legend at the bottom right. */
export function frame(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    animation: false,
    backgroundColor: '#ffffff',
    color: PALETTE,
    textStyle: { fontFamily: FONT_FAMILY, fontSize: FONT_SIZE, color: '#000' },
    title: {
      text: title,
      left: 'center',
      top: 4,
      textStyle: { fontFamily: FONT_FAMILY, fontSize: FONT_SIZE + 1, fontWeight: 'bold' },
    },
    grid: { left: 64, right: 24, top: 40, bottom: 56, containLabel: false },
    tooltip: { trigger: 'item', confine: true },
    ...extra,
  };
}

export function legend(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    show: true,
    orient: 'vertical',
    right: 30,
    bottom: 66,
    backgroundColor: 'rgba(255,255,255,0.85)',
    textStyle: { fontFamily: FONT_FAMILY, fontSize: FONT_SIZE - 1 },
    itemWidth: 22,
    itemHeight: 8,
    ...extra,
  };
}

export const f3 = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3);

/** p-values as journals print them: '<0.001', else three decimals. */
export const formatP = (p: number | null | undefined): string =>
  p === null || p === undefined || !Number.isFinite(p) ? '—' : p < 0.001 ? '<0.001' : p.toFixed(3);

/** 'p < 0.001' or 'p = 0.042', for legends and captions. */
export const pText = (p: number | null | undefined): string => {
  const f = formatP(p);
  return f.startsWith('<') ? `p < 0.001` : `p = ${f}`;
};

export const pct = (v: number): string => `${Math.round(100 * v)}%`;
