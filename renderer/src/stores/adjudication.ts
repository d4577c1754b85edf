import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type {
  AdjudicationItem,
  AdjudicationQueue,
  CategoricalAgreement,
  LesionRef,
  Rating,
  ReaderStudyReport,
  Output,
} from '../../../main/api/contract.js';
import { call } from '../api/client.js';
import { useReadersStore } from './readers.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

type StoredVariable = Output<'cohort.dictionary'>[number];
export type RatingScale = ReaderStudyReport['scale'];
export type RatingSession = Rating['session'];

/**
 * Round 2 of the dual-reader workflow: kappa of categorical dual reads, the adjudication queue and
 * its decisions, and the reader study (ratings unaided / aided and the per-reader report). The
 * reader pair is the agreement dashboard's (readers store readerA / readerB).
 */
export const useAdjudicationStore = defineStore('adjudication', () => {
  const ui = useUiStore();
  const study = useStudyStore();
  const rs = useReadersStore();

  const confLevel = ref(0.95);
  const kappa = ref<CategoricalAgreement | null>(null);
  const diceThreshold = ref(0.7);
  const queue = ref<AdjudicationQueue | null>(null);
  const lesions = ref<LesionRef[]>([]);
  const dictionary = ref<StoredVariable[]>([]);
  const ratings = ref<Rating[]>([]);
  const report = ref<ReaderStudyReport | null>(null);

  /** Outcome candidates of the reader study: boolean or categorical variables. */
  const outcomes = computed(() => dictionary.value.filter((v) => ['boolean', 'categorical', 'ordinal'].includes(v.type)));

  async function computeKappa(): Promise<void> {
    const r = await ui.attempt('Could not compute the kappa table', () =>
      call('agreement.categorical', { readers: [rs.readerA, rs.readerB], confLevel: confLevel.value }),
    );
    kappa.value = r ?? null;
  }

  async function loadQueue(): Promise<void> {
    const r = await ui.attempt('Could not read the adjudication queue', () =>
      call('adjudication.queue', { readers: [rs.readerA, rs.readerB], diceThreshold: diceThreshold.value }),
    );
    queue.value = r ?? null;
  }

  async function decide(
    item: AdjudicationItem,
    by: string,
    choice: { chosenReader: string } | { value: string },
    note: string,
  ): Promise<boolean> {
    const r = await ui.attempt(`Could not record the decision on ${item.patientCode}/${item.lesionCode}`, () =>
      call('adjudication.decide', {
        lesionId: item.lesionId,
        kind: item.kind,
        target: item.target,
        readers: [rs.readerA, rs.readerB],
        by,
        ...choice,
        ...(note.trim() ? { note: note.trim() } : {}),
      }),
    );
    if (!r) return false;
    ui.notify(`Decision recorded for ${item.patientCode}/${item.lesionCode} ${item.target}.`);
    await loadQueue();
    return true;
  }

  async function loadReaderStudy(): Promise<void> {
    if (!study.current) return;
    const [l, d, r] = await Promise.all([
      ui.attempt('Could not list the lesions', () => call('segmentation.lesions', {})),
      ui.attempt('Could not read the data dictionary', () => call('cohort.dictionary', {})),
      ui.attempt('Could not list the ratings', () => call('readerStudy.ratings', {})),
    ]);
    if (l) lesions.value = l;
    if (d) dictionary.value = d;
    if (r) ratings.value = r;
  }

  async function rate(input: {
    reader: string;
    lesionId: number;
    session: RatingSession;
    scale: RatingScale;
    score: number;
  }): Promise<boolean> {
    const r = await ui.attempt('Could not store the rating', () => call('readerStudy.rate', input));
    if (!r) return false;
    ui.notify(`${r.reader} rated ${r.patientCode}/${r.lesionCode} ${r.session}: ${r.score}.`);
    await loadReaderStudy();
    return true;
  }

  async function importRatings(path: string, scale: RatingScale): Promise<boolean> {
    const r = await ui.attempt('Could not import the ratings', () => call('readerStudy.importRatings', { path, scale }));
    if (!r) return false;
    ui.notify(`Imported ${r.rows} ratings (${r.unaided} unaided, ${r.aided} aided) of ${r.readers.join(', ')}.`);
    await loadReaderStudy();
    return true;
  }

  async function computeReport(input: { outcome: string; positive?: string; scale: RatingScale; threshold?: number }) {
    const r = await ui.attempt('Could not compute the reader-study report', () =>
      call('readerStudy.report', { ...input, confLevel: confLevel.value }),
    );
    report.value = r ?? null;
  }

  watch(
    () => study.current?.path,
    () => {
      kappa.value = null;
      queue.value = null;
      report.value = null;
      void loadReaderStudy();
    },
  );

  return {
    confLevel,
    kappa,
    diceThreshold,
    queue,
    lesions,
    dictionary,
    ratings,
    report,
    outcomes,
    computeKappa,
    loadQueue,
    decide,
    loadReaderStudy,
    rate,
    importRatings,
    computeReport,
  };
});
