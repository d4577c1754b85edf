/**
 * Frame decoding for the compressed transfer syntaxes, through codecs that ship in npm packages:
 * JPEG 2000 (OpenJPEG), JPEG-LS (CharLS) and JPEG baseline 8-bit (libjpeg-turbo), all compiled
 * to WebAssembly by the Cornerstone project (their .wasm files ship in the packages and load
 * from beside their scripts), and JPEG lossless process 14 (jpeg-lossless-decoder-js, plain JS).
 * Each returns the samples as little-endian bytes, interleaved, BitsAllocated wide.
 */
export interface WasmFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): WasmFrameInfo;
  delete(): void;
}

export type CompressedEncoding = 'jpeg2000' | 'jpeg-ls' | 'jpeg-baseline' | 'jpeg-lossless';

export interface DecodedFrame {
  bytes: Uint8Array;
  width: number;
  height: number;
  bitsPerSample: number;
  components: number;
}

const loaders: Partial<Record<Exclude<CompressedEncoding, 'jpeg-lossless'>, Promise<new () => WasmDecoder>>> = {};

/** Loads a codec once per process; a failed load is retried next time. */
function decoderClass(encoding: Exclude<CompressedEncoding, 'jpeg-lossless'>): Promise<new () => WasmDecoder> {
  // The codecs log every header they read; keep stdout clean.
  const quiet = { print: () => undefined, printErr: () => undefined };
  let p = loaders[encoding];
  if (!p) {
    if (encoding === 'jpeg2000')
      p = import('@cornerstonejs/codec-openjpeg/decodewasmjs').then(async (m) => (await m.default(quiet)).J2KDecoder);
    else if (encoding === 'jpeg-ls')
      p = import('@cornerstonejs/codec-charls/decodewasmjs').then(async (m) => (await m.default(quiet)).JpegLSDecoder);
    else
      p = import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs').then(async (m) => (await m.default(quiet)).JPEGDecoder);
    loaders[encoding] = p;
    p.catch(() => delete loaders[encoding]);
  }
  return p;
}

export async function decodeCompressedFrame(
  encoding: CompressedEncoding,
  frame: Uint8Array,
  bitsAllocated: number,
): Promise<DecodedFrame> {
  if (encoding === 'jpeg-lossless') return decodeJpegLossless(frame, bitsAllocated);
  const Decoder = await decoderClass(encoding);
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    decoder.decode();
    const info = decoder.getFrameInfo();
    // Copy out of the WebAssembly heap before the decoder is freed.
    const out = decoder.getDecodedBuffer().slice();
    return {
      bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength),
      width: info.width,
      height: info.height,
      bitsPerSample: info.bitsPerSample,
      components: info.componentCount,
    };
  } finally {
    decoder.delete();
  }
}

async function decodeJpegLossless(frame: Uint8Array, bitsAllocated: number): Promise<DecodedFrame> {
  const { Decoder } = await import('jpeg-lossless-decoder-js');
  const copy = frame.slice();
  const out = new Decoder().decode(copy.buffer, 0, copy.byteLength, bitsAllocated <= 8 ? 1 : 2);
  // Dimensions come from the SOF3 header (ITU-T T.81 B.2.2): P, Y, X, Nf after the marker.
  const sof = findMarker(frame, 0xc3);
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  return {
    bytes,
    width: sof ? (frame[sof + 7]! << 8) | frame[sof + 8]! : 0,
    height: sof ? (frame[sof + 5]! << 8) | frame[sof + 6]! : 0,
    bitsPerSample: sof ? frame[sof + 4]! : 0,
    components: sof ? frame[sof + 9]! : 0,
  };
}

/** Offset of marker FF xx in a JPEG stream's header segments, or undefined. */
function findMarker(jpeg: Uint8Array, marker: number): number | undefined {
  let p = 2;
  while (p + 4 <= jpeg.length && jpeg[p] === 0xff) {
    if (jpeg[p + 1] === marker) return p;
    p += 2 + ((jpeg[p + 2]! << 8) | jpeg[p + 3]!);
  }
  return undefined;
}
