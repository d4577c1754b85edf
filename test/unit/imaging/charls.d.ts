// The CharLS encoder (full build of @cornerstonejs/codec-charls), used by the tests only to
// make JPEG-LS frames of known pixels.
declare module '@cornerstonejs/codec-charls/wasmjs' {
  interface JpegLSEncoder {
    getDecodedBuffer(info: { width: number; height: number; bitsPerSample: number; componentCount: number }): Uint8Array;
    encode(): void;
    getEncodedBuffer(): Uint8Array;
    delete(): void;
  }
  const factory: (options?: { print?: (text: string) => void; printErr?: (text: string) => void }) => Promise<{
    JpegLSEncoder: new () => JpegLSEncoder;
  }>;
  export default factory;
}
