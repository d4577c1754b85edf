import type { z } from 'zod';
import { adjudicationApi } from './adjudication.js';
import { analysisApi } from './analysis.js';
import { cohortApi, cohortEditApi, dictionaryApi } from './cohort.js';
import { exchangeApi } from './exchange.js';
import { extractionApi } from './extraction.js';
import { filterPreviewApi } from './filterPreview.js';
import { imagesApi } from './images.js';
import { jobsApi } from './jobs.js';
import { readerModeApi } from './readerMode.js';
import { readersApi } from './readers.js';
import { reportApi } from './report.js';
import { segmentationApi } from './segmentation.js';
import { segmentationCopyApi } from './segmentationCopy.js';
import { splitsApi } from './splits.js';
import { studyApi } from './study.js';
import { systemApi } from './system.js';

/**
 * The whole API: one object, method name → procedure. The IPC handler, the HTTP bridge and
 * the renderer's client are all derived from it, so a method exists everywhere or nowhere.
 */
export const api = {
  ...systemApi,
  ...studyApi,
  ...jobsApi,
  ...cohortApi,
  ...cohortEditApi,
  ...dictionaryApi,
  ...imagesApi,
  ...segmentationApi,
  ...segmentationCopyApi,
  ...analysisApi,
  ...reportApi,
  ...extractionApi,
  ...filterPreviewApi,
  ...readersApi,
  ...exchangeApi,
  ...adjudicationApi,
  ...splitsApi,
  ...readerModeApi,
};

export type Api = typeof api;
export type Method = keyof Api;
export type Input<M extends Method> = z.input<Api[M]['input']>;
export type ParsedInput<M extends Method> = z.output<Api[M]['input']>;
export type Output<M extends Method> = z.output<Api[M]['output']>;

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(api, name);
}

export * from './adjudication.js';
export * from './analysis.js';
export * from './cohort.js';
export * from './errors.js';
export * from './events.js';
export * from './exchange.js';
export * from './extraction.js';
export * from './filterPreview.js';
export * from './images.js';
export * from './jobs.js';
export * from './readerMode.js';
export * from './readers.js';
export * from './report.js';
export * from './segmentation.js';
export * from './segmentationCopy.js';
export * from './splits.js';
export * from './study.js';
export * from './system.js';
