import { appVersion } from '../../db/paths.js';
import type { Health } from '../api/system.js';
import { AnalysisService } from './analysis/service.js';
import { SplitService } from './analysis/splits.js';
import { CohortService } from './cohort/service.js';
import { HER2_RULES } from './cohort/her2.js';
import { SUBTYPE_RULES } from './cohort/subtype.js';
import { tableDto } from './cohort/table.js';
import { ensureBuiltinDictionary } from './cohort/repository.js';
import { nodeForkLauncher, type ComputeLauncher } from './compute.js';
import { EventBus } from './events.js';
import { ExtractionService } from './extraction/service.js';
import { analysisExtraction } from './report/extractionSource.js';
import { exportKappaCsv } from './readers/kappaCsv.js';
import { previewParameters } from '../compute/jobs/filter-preview.js';
import { ImagesService } from './images/service.js';
import { SegmentationService } from './segmentation/service.js';
import { ReadersService } from './readers/service.js';
import { AgreementHandlers } from './readers/handlers.js';
import { ExchangeService } from './readers/exchange.js';
import { ReaderStudyService } from './readers/readerStudy.js';
import { importRatings } from './readers/ratingsImport.js';
import { ReaderModeService, withReaderMode } from './readers/readerMode.js';
import { ZipExchange } from './readers/zipPackages.js';
import { JobService } from './jobs.js';
import { RecentStudies } from './recent.js';
import { ReportService } from './report/service.js';
import { createRouter, type Handlers, type Router } from './router.js';
import { StudyService } from './study.js';
import { ViewerService } from './viewer/service.js';

export interface ServicesOptions {
  mode: Health['mode'];
  /** How the compute process is started; default: child_process.fork (Node). */
  launcher?: ComputeLauncher;
  configDir?: string;
}

export interface Services {
  events: EventBus;
  study: StudyService;
  jobs: JobService;
  cohort: CohortService;
  /** Binary voxel data for the viewer (outside the JSON router: see api/voxels.ts). */
  viewer: ViewerService;
  router: Router;
  shutdown(): Promise<void>;
}

/** The composition root shared by Electron (main/app), `radstudy serve` and the tests. */
export function createServices(opts: ServicesOptions): Services {
  const events = new EventBus();
  const study = new StudyService(events, new RecentStudies(opts.configDir));
  const jobs = new JobService(study, events, opts.launcher ?? nodeForkLauncher());
  const cohort = new CohortService(study);
  const images = new ImagesService(study, jobs);
  const segmentation = new SegmentationService(study, jobs);
  const splits = new SplitService(study);
  const analysis = new AnalysisService(study, jobs, splits);
  const extraction = new ExtractionService(study, jobs);
  const readers = new ReadersService(study);
  const agreement = new AgreementHandlers(study);
  const exchange = new ExchangeService(study, readers);
  const viewer = new ViewerService(study);
  const readerStudy = new ReaderStudyService(study);
  const readerMode = new ReaderModeService(study, readers);
  const packages = new ZipExchange(exchange);
  viewer.maskAccess = (id) => readerMode.checkMaskAccess(id);
  study.onOpened = () => {
    const h = study.handle();
    if (h && !h.readOnly) ensureBuiltinDictionary(h.db);
    return jobs.onStudyOpened();
  };
  study.onClosing = () => {
    viewer.clear();
    return jobs.onStudyClosing();
  };
  const version = appVersion();
  const report = new ReportService(
    analysis,
    version,
    () => cohort.flow(),
    () => cohort.table(),
    (r) => {
      const h = study.handle();
      return h ? analysisExtraction(h.db, r) : null;
    },
  );

  const handlers: Handlers = {
    'system.health': () => ({
      ok: true,
      app: 'RadStudy',
      version,
      mode: opts.mode,
      studyPath: study.handle()?.path ?? null,
      compute: jobs.computeState(),
    }),
    'study.current': () => study.info(),
    'study.create': (input) => study.create(input.path, input.name),
    'study.open': (input) => study.open(input.path, input.readOnly ?? false),
    'study.close': async () => ({ closed: await study.close() }),
    'study.recent': () => new RecentStudies(opts.configDir).list(),
    'study.summary': () => study.summary(),
    'jobs.list': (input) => jobs.list(input.limit),
    'jobs.get': (input) => jobs.get(input.id),
    'jobs.start': (input) => jobs.start(input.kind, input.params),
    'jobs.cancel': (input) => jobs.cancel(input.id),
    'jobs.resume': (input) => jobs.resume(input.id),
    'cohort.dictionary': () => cohort.dictionary(),
    'cohort.rules': () => ({ her2: [...HER2_RULES], subtype: SUBTYPE_RULES }),
    'cohort.import.inspect': ({ path, ...overrides }) => cohort.inspect(path, overrides),
    'cohort.import.preview': (input) => cohort.preview(input.path, input.mapping),
    'cohort.import.commit': (input) => cohort.commit(input.path, input.mapping),
    'cohort.import.undo': () => cohort.undoLastImport(),
    'cohort.table': (input) => tableDto(cohort.table(input.includeIdentifiers ?? false)),
    'cohort.export': (input) => cohort.export(input.path, input.includeIdentifiers ?? false),
    'cohort.setValue': (input) => cohort.setValue(input),
    'cohort.exclusions': () => cohort.exclusions(),
    'cohort.exclude': (input) => cohort.exclude(input),
    'cohort.unexclude': (input) => cohort.unexclude(input.id),
    'cohort.flow': () => cohort.flow(),
    'cohort.flow.export': (input) => cohort.exportFlow(input.path),
    'audit.list': (input) => cohort.audit(input.limit, input.entity),
    'audit.export': (input) => cohort.exportAudit(input.path),
    'cohort.variable.save': (input) => cohort.saveVariable(input.variable),
    'cohort.variable.delete': (input) => cohort.deleteVariable(input.name),
    'cohort.mappings': () => cohort.mappings(),
    'cohort.mapping.save': (input) => cohort.saveMapping(input.name, input.mapping),
    'images.import': (input) => images.startImport(input),
    'images.series.list': (input) => images.list(input.patientId),
    'images.series.setKind': (input) => images.setKind(input),
    'images.series.link': (input) => images.link(input),
    'images.verify': (input) => images.verify(input.seriesId),
    'images.relink': (input) => images.relink(input.from, input.to),
    'images.cache.stats': () => images.cacheStats(),
    'images.cache.clear': () => images.clearCache(),
    'images.adc': (input) => images.startAdc(input),
    'images.subtraction': (input) => images.startSubtraction(input),
    'images.tic': (input) => images.startTic(input),
    'images.deidentify': (input) => images.startDeidentify(input),
    'images.rules.get': () => images.rules(),
    'images.rules.set': (input) => images.setRules(input.rules, input.reapply),
    'segmentation.import': (input) => segmentation.startImport(input),
    'segmentation.list': (input) => segmentation.list(input),
    'segmentation.lesions': () => segmentation.lesions(),
    'segmentation.mask': (input) => segmentation.mask(input.id),
    'segmentation.delete': (input) => segmentation.delete(input.id),
    'segmentation.save': (input) => segmentation.save(input),
    'segmentation.draft.save': (input) => segmentation.saveDraft(input),
    'segmentation.draft.get': (input) => segmentation.draft(input),
    'segmentation.draft.discard': (input) => segmentation.discardDraft(input),
    'segmentation.copyTargets': (input) => segmentation.copyTargets(input.id),
    'segmentation.copyToSeries': (input) => segmentation.copyToSeries(input),
    'extraction.presets': () => extraction.presets(),
    'extraction.sequences': () => extraction.sequences(),
    'extraction.create': (input) => extraction.create(input),
    'extraction.run': (input) => extraction.run(input.id),
    'extraction.list': () => extraction.list(),
    'extraction.table': (input) => extraction.table(input),
    'extraction.export': (input) => extraction.export(input),
    'extraction.delete': (input) => extraction.delete(input.id),
    'extraction.preview.options': (input) => ({ imageTypes: Object.keys(previewParameters(input.paramsText).imageTypes) }),
    'readers.list': () => readers.list(),
    'readers.save': (input) => readers.save(input),
    'readers.delete': (input) => readers.delete(input.code),
    'readers.assign': (input) => readers.assign(input),
    'readers.assignSubset': (input) => readers.assignSubset(input),
    'readers.assignments': (input) => readers.assignments(input.reader),
    'readers.assignment.setStatus': (input) => readers.setStatus(input.id, input.status),
    'readers.unassign': (input) => readers.unassign(input.ids),
    'readers.progress': () => readers.progress(),
    'readers.blinding.get': () => readers.blinding(),
    'readers.blinding.set': (input) => readers.setBlinding(input.items, input.by),
    'agreement.features': (input) => agreement.features(input),
    'agreement.masks': (input) => agreement.masks(input),
    'agreement.export': (input) => agreement.export(input),
    // A package is a folder or a single .zip file (readers/zipPackages.ts).
    'exchange.exportAssignment': (input) => packages.exportAssignment(input),
    'exchange.inspectAssignment': (input) => packages.inspectAssignment(input),
    'exchange.writeResult': (input) => packages.writeResult(input),
    'exchange.importResult': (input) => packages.importResult(input),
    'agreement.categorical': (input) => readerStudy.categorical(input),
    'agreement.categorical.export': ({ path: file, ...q }) => exportKappaCsv(readerStudy.categorical(q), file),
    'adjudication.queue': (input) => readerStudy.queue(input),
    'adjudication.decide': (input) => readerStudy.decide(input),
    'readerStudy.rate': (input) => readerStudy.rate(input),
    'readerStudy.ratings': (input) => readerStudy.ratings(input.reader),
    'readerStudy.report': (input) => readerStudy.report(input),
    'readerStudy.importRatings': (input) => importRatings(study, readerStudy, input),
    'readers.mode.get': () => readerMode.get(),
    'readers.mode.enter': (input) => readerMode.enter(input.reader),
    'readers.mode.exit': () => readerMode.exit(),
    'analysis.inspect': (input) => analysis.inspect(input.dataFile),
    'analysis.validate': (input) => analysis.validate(input.spec),
    'analysis.run': (input) => analysis.run(input.spec, input.dataFile),
    'analysis.list': () => analysis.list(),
    'analysis.get': (input) => analysis.get(input.id),
    'analysis.delete': (input) => analysis.delete(input.id),
    'splits.create': (input) => splits.create(input),
    'splits.list': () => splits.list(),
    'splits.get': (input) => splits.get(input.name),
    'splits.delete': (input) => splits.delete(input.name),
    'report.figures': (input) => report.figures(input.id) as unknown as Record<string, unknown>,
    'report.export': (input) => report.export(input),
    'report.study': (input) => report.study(input),
  };

  return {
    events,
    study,
    jobs,
    cohort,
    viewer,
    router: createRouter(withReaderMode(handlers, readerMode)),
    async shutdown() {
      await jobs.shutdown();
      await study.close();
    },
  };
}
