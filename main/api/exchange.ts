import { z } from 'zod';
import { mutation, query } from './procedure.js';
import { ReaderCodeSchema } from './readers.js';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex');
/** A path inside a package: relative, forward slashes, no "..". */
const PackagePath = z
  .string()
  .min(1)
  .max(400)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..') && !p.includes('\\'), 'a relative path inside the package');

export const PackageFileSchema = z.object({ path: PackagePath, sha256: Sha256, bytes: z.number().int().nonnegative() });

/** manifest.json of an assignment package (coordinator → reader workstation). */
export const AssignmentManifestSchema = z
  .object({
    format: z.literal('radstudy-assignment-package'),
    version: z.literal(1),
    packageId: z.string().uuid(),
    studyId: z.string().min(1),
    studyName: z.string(),
    reader: ReaderCodeSchema,
    createdAt: z.string(),
    /** What the package leaves out because the study blinds readers to it. */
    hidden: z.array(z.string()),
    items: z.array(
      z.object({
        lesionId: z.number().int(),
        patientCode: z.string(),
        lesionCode: z.string(),
        sequence: z.string(),
        seriesId: z.number().int(),
        /** Image files of the series, in slice order (paths inside the package). */
        images: z.array(PackagePath),
        startingMask: PackagePath.nullable(),
      }),
    ),
    files: z.array(PackageFileSchema),
  })
  .strict();
export type AssignmentManifest = z.infer<typeof AssignmentManifestSchema>;

/** result.json of a result package (reader workstation → coordinator). */
export const ResultManifestSchema = z
  .object({
    format: z.literal('radstudy-result-package'),
    version: z.literal(1),
    packageId: z.string().uuid(),
    assignmentPackageId: z.string().uuid(),
    studyId: z.string().min(1),
    reader: ReaderCodeSchema,
    createdAt: z.string(),
    segmentations: z.array(
      z.object({ lesionId: z.number().int(), seriesId: z.number().int(), sequence: z.string(), file: PackagePath }),
    ),
    files: z.array(PackageFileSchema),
  })
  .strict();
export type ResultManifest = z.infer<typeof ResultManifestSchema>;

export const exchangeApi = {
  'exchange.inspectAssignment': query(
    z.object({ folder: z.string().min(1) }).strict(),
    AssignmentManifestSchema,
    "Read and verify an assignment package (every file's SHA-256): what the reader is asked to segment",
  ),
  'exchange.exportAssignment': mutation(
    z
      .object({
        reader: ReaderCodeSchema,
        folder: z.string().min(1),
        /** Put this reader's masks in as starting points (refused while other readers' masks are blinded). */
        startingMasksFrom: ReaderCodeSchema.optional(),
      })
      .strict(),
    z.object({ folder: z.string(), packageId: z.string(), items: z.number().int(), files: z.number().int() }),
    "Write a reader's open assignments as an offline package: images, optional starting masks, manifest with SHA-256 of every file",
  ),
  'exchange.writeResult': mutation(
    z
      .object({
        assignmentFolder: z.string().min(1),
        folder: z.string().min(1),
        masks: z
          .array(z.object({ lesionId: z.number().int(), seriesId: z.number().int(), file: z.string().min(1) }).strict())
          .min(1),
      })
      .strict(),
    z.object({ folder: z.string(), packageId: z.string(), segmentations: z.number().int() }),
    "On the reader's workstation: pack the masks drawn for an assignment package as a result package (no study needed)",
  ),
  'exchange.importResult': mutation(
    z.object({ folder: z.string().min(1) }).strict(),
    z.object({
      packageId: z.string(),
      reader: z.string(),
      imported: z.number().int(),
      segmentationIds: z.array(z.number().int()),
    }),
    'Import a result package: checks study, checksums and earlier imports; adds segmentations, never replaces one',
  ),
};
