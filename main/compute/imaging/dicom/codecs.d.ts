// Types for the codec packages RadStudy uses (they ship none). Each WebAssembly decode-only
// build exports a factory resolving to a module with one decoder class (same shape as
// WasmDecoder in wasmCodec.ts).
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (options?: { print?: (text: string) => void; printErr?: (text: string) => void }) => Promise<{
    J2KDecoder: new () => {
      getEncodedBuffer(length: number): Uint8Array;
      getDecodedBuffer(): Uint8Array;
      decode(): void;
      getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
      delete(): void;
    };
  }>;
  export default factory;
}
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: (options?: { print?: (text: string) => void; printErr?: (text: string) => void }) => Promise<{
    JpegLSDecoder: new () => {
      getEncodedBuffer(length: number): Uint8Array;
      getDecodedBuffer(): Uint8Array;
      decode(): void;
      getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
      delete(): void;
    };
  }>;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: (options?: { print?: (text: string) => void; printErr?: (text: string) => void }) => Promise<{
    JPEGDecoder: new () => {
      getEncodedBuffer(length: number): Uint8Array;
      getDecodedBuffer(): Uint8Array;
      decode(): void;
      getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
      delete(): void;
    };
  }>;
  export default factory;
}
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    decode(buffer: ArrayBuffer, offset: number, length: number, numBytes: number): Uint8Array | Uint16Array;
  }
}
