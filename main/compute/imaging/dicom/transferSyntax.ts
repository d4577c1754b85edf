/**
 * DICOM transfer syntaxes RadStudy can decode (PS3.5 §10 and Annex A; UIDs from PS3.6 Annex A).
 */
export type PixelEncoding = 'native' | 'rle' | 'jpeg2000' | 'jpeg-ls' | 'jpeg-baseline' | 'jpeg-lossless';

export interface TransferSyntax {
  uid: string;
  name: string;
  littleEndian: boolean;
  encoding: PixelEncoding;
}

const syntax = (uid: string, name: string, encoding: PixelEncoding, littleEndian = true): TransferSyntax => ({
  uid,
  name,
  littleEndian,
  encoding,
});

const SYNTAXES: TransferSyntax[] = [
  syntax('1.2.840.10008.1.2', 'Implicit VR Little Endian', 'native'),
  syntax('1.2.840.10008.1.2.1', 'Explicit VR Little Endian', 'native'),
  syntax('1.2.840.10008.1.2.2', 'Explicit VR Big Endian (retired)', 'native', false),
  syntax('1.2.840.10008.1.2.5', 'RLE Lossless', 'rle'),
  syntax('1.2.840.10008.1.2.4.90', 'JPEG 2000 Image Compression (Lossless Only)', 'jpeg2000'),
  syntax('1.2.840.10008.1.2.4.91', 'JPEG 2000 Image Compression', 'jpeg2000'),
  syntax('1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless Image Compression', 'jpeg-ls'),
  syntax('1.2.840.10008.1.2.4.81', 'JPEG-LS Lossy (Near-Lossless) Image Compression', 'jpeg-ls'),
  syntax('1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', 'jpeg-baseline'),
  // Only 8-bit (process 2) streams decode: the codec is libjpeg-turbo's 8-bit build.
  syntax('1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', 'jpeg-baseline'),
  syntax('1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)', 'jpeg-lossless'),
  syntax(
    '1.2.840.10008.1.2.4.70',
    'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])',
    'jpeg-lossless',
  ),
];

/** Known but not decodable here, so that the error can name them. */
const UNSUPPORTED: Record<string, string> = {
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 Image Compression (Lossless Only)',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000 Image Compression',
  '1.2.840.10008.1.2.4.100': 'MPEG2 Main Profile / Main Level',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 AVC/H.264 High Profile / Level 4.1',
};

export function transferSyntax(uid: string): TransferSyntax | undefined {
  return SYNTAXES.find((s) => s.uid === uid);
}

/** Human name of a transfer syntax UID, supported or not. */
export function transferSyntaxName(uid: string): string {
  return transferSyntax(uid)?.name ?? UNSUPPORTED[uid] ?? 'unknown transfer syntax';
}
