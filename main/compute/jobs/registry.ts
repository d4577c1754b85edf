import type { JobKind } from '../../api/jobs.js';
import type { JobHandler } from './context.js';
import { analysisRunJob } from './analysis-run.js';
import { extractionRunJob } from './extraction-run.js';
import { filterPreviewJob } from './filter-preview.js';
import { adcComputeJob } from './adc-compute.js';
import { deidentifyJob } from './deidentify-export.js';
import { imageImportJob } from './image-import.js';
import { subtractionJob } from './subtraction.js';
import { ticRunJob } from './tic-run.js';
import { segmentationImportJob } from './segmentation-import.js';
import { studyCheckJob } from './study-check.js';

/** Every job kind of the API contract has its handler here (the type makes a missing one an error). */
export const jobHandlers: Record<JobKind, JobHandler> = {
  'study.check': studyCheckJob,
  'images.import': imageImportJob,
  'images.adc': adcComputeJob,
  'images.subtraction': subtractionJob,
  'images.tic': ticRunJob,
  'images.deidentify': deidentifyJob,
  'segmentation.import': segmentationImportJob,
  'analysis.run': analysisRunJob,
  'extraction.run': extractionRunJob,
  'extraction.preview': filterPreviewJob,
};
