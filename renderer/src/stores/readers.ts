import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type {
  Assignment,
  AssignmentManifest,
  Blinding,
  BlindingItem,
  ExtractionSequence,
  ExtractionSummary,
  FeatureAgreement,
  MaskAgreement,
  ReaderList,
  ReaderProgress,
  SubsetResult,
} from '../../../main/api/contract.js';
import { call } from '../api/client.js';
import { exportFolder } from './extraction.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

export type IccForm = FeatureAgreement['form'];

/** The dual-reader workflow: readers, assignments and progress, blinding, and the agreement dashboard. */
export const useReadersStore = defineStore('readers', () => {
  const ui = useUiStore();
  const study = useStudyStore();

  const list = ref<ReaderList>({ readers: [], unregistered: [] });
  const progress = ref<ReaderProgress[]>([]);
  const assignments = ref<Assignment[]>([]);
  const blinding = ref<Blinding | null>(null);
  const sequences = ref<ExtractionSequence[]>([]);
  const extractions = ref<ExtractionSummary[]>([]);
  const lastSubset = ref<SubsetResult | null>(null);

  // Agreement dashboard settings and results.
  const extractionId = ref<number | null>(null);
  const readerA = ref('R1');
  const readerB = ref('R2');
  const form = ref<IccForm>('ICC2');
  const threshold = ref(0.75);
  const features = ref<FeatureAgreement | null>(null);
  const masks = ref<MaskAgreement | null>(null);
  const lastExport = ref<{ path: string; rows: number } | null>(null);

  /** Every reader code the study knows: registered ones and codes on segmentations. */
  const codes = computed(() =>
    [...new Set([...list.value.readers.map((r) => r.code), ...list.value.unregistered.map((u) => u.code)])].sort(),
  );

  async function load(): Promise<void> {
    if (!study.current) return;
    const [l, p, a, b, s, e] = await Promise.all([
      ui.attempt('Could not list the readers', () => call('readers.list', {})),
      ui.attempt('Could not read reader progress', () => call('readers.progress', {})),
      ui.attempt('Could not list the assignments', () => call('readers.assignments', {})),
      ui.attempt('Could not read the blinding settings', () => call('readers.blinding.get', {})),
      ui.attempt('Could not list the sequences', () => call('extraction.sequences', {})),
      ui.attempt('Could not list the extractions', () => call('extraction.list', {})),
    ]);
    if (l) list.value = l;
    if (p) progress.value = p;
    if (a) assignments.value = a;
    if (b) blinding.value = b;
    if (s) sequences.value = s;
    if (e) {
      extractions.value = e;
      if (extractionId.value === null || !e.some((x) => x.id === extractionId.value)) extractionId.value = e[0]?.id ?? null;
    }
  }

  async function save(code: string, name: string, role: 'reader' | 'adjudicator' | 'coordinator'): Promise<boolean> {
    const r = await ui.attempt('Could not save the reader', () => call('readers.save', { code, name, role }));
    if (!r) return false;
    ui.notify(`Reader ${r.code} (${r.name}) saved.`);
    await load();
    return true;
  }

  async function remove(code: string): Promise<void> {
    const r = await ui.attempt('Could not remove the reader', () => call('readers.delete', { code }));
    if (r) await load();
  }

  async function assignSubset(input: {
    reader: string;
    sequences: string[];
    count?: number;
    fraction?: number;
    seed: number;
    fromReader?: string;
    stratifyByCenter: boolean;
  }): Promise<boolean> {
    const r = await ui.attempt('Could not assign the subset', () => call('readers.assignSubset', input));
    if (!r) return false;
    lastSubset.value = r;
    ui.notify(`${r.selected} of ${r.eligible} lesions chosen for ${r.reader}: ${r.created} new assignments.`);
    await load();
    return true;
  }

  async function setStatus(id: number, status: 'assigned' | 'done'): Promise<void> {
    const r = await ui.attempt('Could not change the assignment', () => call('readers.assignment.setStatus', { id, status }));
    if (r) await load();
  }

  async function setBlinding(item: BlindingItem, hidden: boolean, by: string): Promise<void> {
    const r = await ui.attempt('Could not change the blinding', () =>
      call('readers.blinding.set', { items: { [item]: hidden }, by }),
    );
    if (r) blinding.value = r;
  }

  async function computeAgreement(): Promise<void> {
    if (extractionId.value !== null) {
      const f = await ui.attempt('Could not compute the feature ICCs', () =>
        call('agreement.features', {
          extractionId: extractionId.value!,
          readers: [readerA.value, readerB.value],
          form: form.value,
          threshold: threshold.value,
        }),
      );
      features.value = f ?? null;
    }
    const m = await ui.attempt('Could not compare the masks', () =>
      call('agreement.masks', { readers: [readerA.value, readerB.value] }),
    );
    masks.value = m ?? null;
  }

  async function exportCsv(kind: 'features' | 'masks'): Promise<void> {
    if (!study.current) return;
    const file = `${exportFolder(study.current.path)}/agreement-${kind}-${readerA.value}-${readerB.value}.csv`;
    const r = await ui.attempt('Could not export the agreement table', () =>
      call('agreement.export', {
        kind,
        path: file,
        ...(kind === 'features'
          ? {
              features: {
                extractionId: extractionId.value!,
                readers: [readerA.value, readerB.value],
                form: form.value,
                threshold: threshold.value,
              },
            }
          : { masks: { readers: [readerA.value, readerB.value] } }),
      }),
    );
    if (!r) return;
    lastExport.value = r;
    ui.notify(`Wrote ${r.rows.toLocaleString()} rows to ${r.path}.`);
  }

  // Offline exchange.
  const exported = ref<{ folder: string; packageId: string; items: number; files: number } | null>(null);
  const inspected = ref<AssignmentManifest | null>(null);
  const imported = ref<{ packageId: string; reader: string; imported: number } | null>(null);

  async function exportPackage(reader: string, folder: string, startingMasksFrom: string): Promise<void> {
    const r = await ui.attempt('Could not export the assignment package', () =>
      call('exchange.exportAssignment', { reader, folder, ...(startingMasksFrom ? { startingMasksFrom } : {}) }),
    );
    if (!r) return;
    exported.value = r;
    ui.notify(`Package for ${reader}: ${r.items} assignments, ${r.files} files in ${r.folder}.`);
  }

  async function inspectPackage(folder: string): Promise<void> {
    const r = await ui.attempt('Could not read the assignment package', () => call('exchange.inspectAssignment', { folder }));
    inspected.value = r ?? null;
  }

  async function writeResult(
    assignmentFolder: string,
    folder: string,
    masks: { lesionId: number; seriesId: number; file: string }[],
  ): Promise<boolean> {
    const r = await ui.attempt('Could not write the result package', () =>
      call('exchange.writeResult', { assignmentFolder, folder, masks }),
    );
    if (!r) return false;
    ui.notify(`Result package with ${r.segmentations} masks written to ${r.folder}.`);
    return true;
  }

  async function importPackage(folder: string): Promise<void> {
    const r = await ui.attempt('Could not import the result package', () => call('exchange.importResult', { folder }));
    if (!r) return;
    imported.value = r;
    ui.notify(`Imported ${r.imported} segmentations of ${r.reader}.`);
    await load();
  }

  watch(
    () => study.current?.path,
    () => {
      features.value = null;
      masks.value = null;
      lastSubset.value = null;
      extractionId.value = null;
      void load();
    },
  );

  return {
    list,
    progress,
    assignments,
    blinding,
    sequences,
    extractions,
    lastSubset,
    codes,
    extractionId,
    readerA,
    readerB,
    form,
    threshold,
    features,
    masks,
    lastExport,
    load,
    save,
    remove,
    assignSubset,
    setStatus,
    setBlinding,
    computeAgreement,
    exportCsv,
    exported,
    inspected,
    imported,
    exportPackage,
    inspectPackage,
    writeResult,
    importPackage,
  };
});
