/**
 * DICOM RLE Lossless decoding (PS3.5 Annex G).
 *
 * A frame is a 64-byte header (number of segments, then up to 15 segment offsets, uint32 LE)
 * followed by segments. Each segment holds one byte plane: for every sample, the bytes of
 * each pixel from most to least significant (G.2), each plane PackBits-encoded (G.3.1):
 * a header byte n in 0..127 copies the next n+1 bytes, −127..−1 repeats the next byte 1−n
 * times, −128 does nothing.
 */

/**
 * Decodes one RLE frame into little-endian bytes with samples interleaved (pixel by pixel),
 * i.e. the native layout of PlanarConfiguration 0. Throws an Error with the problem; the
 * caller adds the file name.
 */
export function decodeRleFrame(
  frame: Uint8Array,
  rows: number,
  columns: number,
  samplesPerPixel: number,
  bitsAllocated: number,
): Uint8Array {
  if (frame.length < 64) throw new Error(`RLE frame has ${frame.length} bytes, less than its 64-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  const bytesPerSample = bitsAllocated / 8;
  if (!Number.isInteger(bytesPerSample)) throw new Error(`RLE needs whole bytes per sample, BitsAllocated is ${bitsAllocated}`);
  const expected = bytesPerSample * samplesPerPixel;
  if (segments !== expected) {
    throw new Error(
      `RLE frame has ${segments} segments, expected ${expected} (${samplesPerPixel} sample(s) × ${bytesPerSample} byte(s))`,
    );
  }
  const pixels = rows * columns;
  const out = new Uint8Array(pixels * expected);
  const offsets: number[] = [];
  for (let s = 0; s < segments; s++) offsets.push(view.getUint32(4 + 4 * s, true));
  for (let s = 0; s < segments; s++) {
    const start = offsets[s]!;
    const end = s + 1 < segments ? offsets[s + 1]! : frame.length;
    if (start < 64 || start > end || end > frame.length) throw new Error(`RLE segment ${s + 1} has an invalid offset ${start}`);
    // Segment s = sample (s / bytesPerSample), byte (s % bytesPerSample) counted from the MSB.
    const sample = Math.floor(s / bytesPerSample);
    const byteFromMsb = s % bytesPerSample;
    const byteInLe = bytesPerSample - 1 - byteFromMsb;
    const stride = expected;
    let dst = sample * bytesPerSample + byteInLe;
    let written = 0;
    let p = start;
    while (written < pixels && p < end) {
      const n = frame[p++]!;
      if (n < 128) {
        const count = n + 1;
        if (p + count > end) throw new Error(`RLE segment ${s + 1} ends inside a literal run`);
        for (let c = 0; c < count && written < pixels; c++, written++, dst += stride) out[dst] = frame[p + c]!;
        p += count;
      } else if (n > 128) {
        const count = 257 - n;
        if (p >= end) throw new Error(`RLE segment ${s + 1} ends inside a repeat run`);
        const value = frame[p++]!;
        for (let c = 0; c < count && written < pixels; c++, written++, dst += stride) out[dst] = value;
      }
    }
    if (written < pixels) throw new Error(`RLE segment ${s + 1} decodes to ${written} of ${pixels} pixels (truncated)`);
  }
  return out;
}
