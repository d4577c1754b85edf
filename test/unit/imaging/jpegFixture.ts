/**
 * Minimal JPEG encoders for codec tests (ITU-T T.81), so that the decoders are checked against
 * exactly known pixels without shipping encoded images:
 * - lossless, process 14, predictor 1 (Annex H), one component, any precision 2..16;
 * - baseline DCT, one component, images made of flat 8×8 blocks: each block is its DC term
 *   only (F(0,0) = 8·(v − 128) with a quantiser of 1, all AC zero), which the inverse DCT
 *   returns exactly.
 */
class BitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private n = 0;

  write(value: number, length: number): void {
    for (let b = length - 1; b >= 0; b--) {
      this.acc = (this.acc << 1) | ((value >> b) & 1);
      if (++this.n === 8) this.flushByte();
    }
  }

  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0x00); // byte stuffing (T.81 F.1.2.3)
    this.acc = 0;
    this.n = 0;
  }

  finish(): number[] {
    while (this.n !== 0) this.write(1, 1); // pad with 1-bits
    return this.bytes;
  }
}

const u16 = (x: number): number[] => [(x >> 8) & 0xff, x & 0xff];
const segment = (marker: number, body: number[]): number[] => [0xff, marker, ...u16(body.length + 2), ...body];

/** A Huffman table where every symbol has a code of `length` bits: codes are 0, 1, 2, … */
function flatTable(
  tableClass: number,
  id: number,
  symbols: number[],
  length: number,
): { dht: number[]; code: (s: number) => number } {
  const counts = new Array<number>(16).fill(0);
  counts[length - 1] = symbols.length;
  return { dht: segment(0xc4, [(tableClass << 4) | id, ...counts, ...symbols]), code: (s) => symbols.indexOf(s) };
}

/** Number of bits of |d| (the SSSS category, T.81 F.1.2.1). */
function category(d: number): number {
  let a = Math.abs(d);
  let n = 0;
  while (a > 0) {
    n++;
    a >>= 1;
  }
  return n;
}

export function encodeJpegLossless(pixels: ArrayLike<number>, width: number, height: number, precision: number): Uint8Array {
  const symbols = Array.from({ length: 17 }, (_, k) => k);
  const table = flatTable(0, 0, symbols, 5);
  const bits = new BitWriter();
  const modulo = 65536;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      // Prediction (H.1.2.1): first sample 2^(P−1); first row Ra; first column Rb; else Ra (SV1).
      const pred = i === 0 ? 1 << (precision - 1) : y === 0 || x > 0 ? pixels[i - 1]! : pixels[i - width]!;
      let d = (pixels[i]! - pred) % modulo;
      if (d < -32768) d += modulo;
      if (d > 32767) d -= modulo;
      const ssss = d === -32768 ? 16 : category(d);
      bits.write(table.code(ssss), 5);
      if (ssss > 0 && ssss < 16) bits.write(d >= 0 ? d : d - 1 + (1 << ssss), ssss);
    }
  }
  return new Uint8Array([
    0xff,
    0xd8,
    ...segment(0xc3, [precision, ...u16(height), ...u16(width), 1, 1, 0x11, 0]),
    ...table.dht,
    ...segment(0xda, [1, 1, 0x00, 1, 0, 0]), // Ns=1, Cs=1, Td/Ta=0, Ss=1 (predictor 1), Se=0, Ah/Al=0
    ...bits.finish(),
    0xff,
    0xd9,
  ]);
}

/** `blockValues[by][bx]` in 0..255 fills block (bx, by) of a (8·nbx)×(8·nby) image. */
export function encodeJpegBaselineBlocks(blockValues: number[][]): Uint8Array {
  const nby = blockValues.length;
  const nbx = blockValues[0]!.length;
  const dc = flatTable(
    0,
    0,
    Array.from({ length: 12 }, (_, k) => k),
    4,
  );
  const ac = flatTable(1, 0, [0x00, 0xf0], 2); // EOB, ZRL
  const bits = new BitWriter();
  let previous = 0;
  for (let by = 0; by < nby; by++) {
    for (let bx = 0; bx < nbx; bx++) {
      const coefficient = 8 * (blockValues[by]![bx]! - 128);
      const d = coefficient - previous;
      previous = coefficient;
      const ssss = category(d);
      bits.write(dc.code(ssss), 4);
      if (ssss > 0) bits.write(d >= 0 ? d : d - 1 + (1 << ssss), ssss);
      bits.write(ac.code(0x00), 2); // EOB: all 63 AC coefficients are zero
    }
  }
  return new Uint8Array([
    0xff,
    0xd8,
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]), // DQT: table 0, all ones
    ...segment(0xc0, [8, ...u16(8 * nby), ...u16(8 * nbx), 1, 1, 0x11, 0]),
    ...dc.dht,
    ...ac.dht,
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...bits.finish(),
    0xff,
    0xd9,
  ]);
}
