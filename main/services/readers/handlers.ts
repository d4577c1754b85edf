import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import type { FeatureAgreement, FeatureAgreementRequest, MaskAgreement, MaskAgreementRequest } from '../../api/readers.js';
import { formatCsv } from '../../compute/radiomics/batchCsv.js';
import type { StudyService } from '../study.js';
import { agreementCsvCells, featureAgreement, maskAgreement } from './agreement.js';

/** The agreement dashboard's API: feature ICCs, mask agreement, CSV export. */
export class AgreementHandlers {
  constructor(private readonly study: StudyService) {}

  features(req: FeatureAgreementRequest): FeatureAgreement {
    return featureAgreement(this.study.requireHandle().db, req);
  }

  masks(req: MaskAgreementRequest): MaskAgreement {
    return maskAgreement(this.study.requireHandle().db, req);
  }

  export(q: {
    kind: 'features' | 'masks';
    path: string;
    features?: FeatureAgreementRequest | undefined;
    masks?: MaskAgreementRequest | undefined;
  }): { path: string; rows: number } {
    const out = path.resolve(q.path);
    if (path.extname(out).toLowerCase() !== '.csv')
      throw new AppError('VALIDATION', `Agreement tables are written as .csv files (got ${path.basename(out)}).`);
    if (q.kind === 'features' && !q.features)
      throw new AppError('VALIDATION', 'Say which extraction and readers the ICC table is for (features).');
    if (q.kind === 'masks' && !q.masks) throw new AppError('VALIDATION', 'Say which two readers to compare (masks).');
    const cells = agreementCsvCells(
      q.kind,
      q.kind === 'features' ? this.features(q.features!) : null,
      q.kind === 'masks' ? this.masks(q.masks!) : null,
    );
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, formatCsv(cells), 'utf8');
    return { path: out, rows: cells.length - 1 };
  }
}
