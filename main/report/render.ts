/**
 * Server-side rendering of the charts for exports: ECharts' SSR SVG renderer (no DOM, no canvas)
 * and PNG from that SVG through resvg at a given resolution, with the resolution recorded in the
 * PNG (pHYs chunk) so a journal's upload check reads 300 or 600 dpi.
 */
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { FONT_FAMILY } from './charts/style.js';

/** Figure size: 7 × 5 in (a two-column journal figure) at 96 CSS px per inch. */
export const FIGURE_WIDTH_PX = 672;
export const FIGURE_HEIGHT_PX = 480;

export function renderSvg(option: Record<string, unknown>, width = FIGURE_WIDTH_PX, height = FIGURE_HEIGHT_PX): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option as echarts.EChartsCoreOption);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Insert a pHYs chunk (pixels per metre, PNG spec §11.3.5.3) right after IHDR. */
export function withDpi(png: Buffer, dpi: number): Buffer {
  const ppm = Math.round(dpi / 0.0254);
  const body = Buffer.alloc(13);
  body.write('pHYs', 0, 'latin1');
  body.writeUInt32BE(ppm, 4);
  body.writeUInt32BE(ppm, 8);
  body.writeUInt8(1, 12); // unit: metre
  const chunk = Buffer.alloc(4 + 13 + 4);
  chunk.writeUInt32BE(9, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body), 17);
  const ihdrEnd = 8 + 4 + 4 + 13 + 4;
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}

/** The resolution a PNG declares (pHYs), or null. */
export function pngDpi(png: Buffer): number | null {
  let off = 8;
  while (off + 8 <= png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    if (type === 'pHYs' && png.readUInt8(off + 16) === 1) return Math.round(png.readUInt32BE(off + 8) * 0.0254);
    if (type === 'IDAT') return null;
    off += 12 + len;
  }
  return null;
}

/** PNG of an SVG figure at `dpi`, the figure being FIGURE_WIDTH_PX / 96 inches wide. */
export function svgToPng(svg: string, dpi: number, widthPx = FIGURE_WIDTH_PX): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: Math.round((widthPx / 96) * dpi) },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: FONT_FAMILY.split(',')[0]!.trim(), sansSerifFamily: 'Liberation Sans' },
  });
  return withDpi(resvg.render().asPng(), dpi);
}
