import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { Input, Output } from '../../../main/api/contract.js';
import { call } from '../api/client.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

export type Exclusion = Output<'cohort.exclusions'>[number];
export type Flow = Output<'cohort.flow'>;
export type ExclusionDraft = Input<'cohort.exclude'>;

/** Exclusions with their reason codes and the CONSORT-style flow they produce. */
export const useCohortExclusionsStore = defineStore('cohortExclusions', () => {
  const ui = useUiStore();
  const study = useStudyStore();

  const exclusions = shallowRef<Exclusion[]>([]);
  const flow = shallowRef<Flow | null>(null);
  const busy = ref<'load' | 'exclude' | 'remove' | 'export' | null>(null);
  const lastExport = ref<string | null>(null);

  async function load(): Promise<void> {
    if (!study.current) return;
    const [list, f] = await Promise.all([
      ui.attempt('Could not read the exclusions', () => call('cohort.exclusions', {})),
      ui.attempt('Could not draw the flow diagram', () => call('cohort.flow', {})),
    ]);
    if (list) exclusions.value = list;
    if (f) flow.value = f;
  }

  async function run<T>(action: NonNullable<typeof busy.value>, work: () => Promise<T | undefined>): Promise<T | undefined> {
    if (busy.value) return undefined;
    busy.value = action;
    try {
      return await work();
    } finally {
      busy.value = null;
    }
  }

  /** Excludes a patient (or one lesion) with a reason code; the flow is counted again. */
  async function exclude(draft: ExclusionDraft): Promise<boolean> {
    const input: ExclusionDraft = {
      patientCode: draft.patientCode.trim(),
      reasonCode: draft.reasonCode.trim(),
      ...(draft.lesionCode?.trim() ? { lesionCode: draft.lesionCode.trim() } : {}),
      ...(draft.reasonLabel?.trim() ? { reasonLabel: draft.reasonLabel.trim() } : {}),
      ...(draft.note?.trim() ? { note: draft.note.trim() } : {}),
    };
    const who = input.lesionCode ? `${input.patientCode} / ${input.lesionCode}` : input.patientCode;
    const result = await run('exclude', () => ui.attempt(`Could not exclude ${who}`, () => call('cohort.exclude', input)));
    if (!result) return false;
    ui.notify(`Excluded ${who} (${input.reasonCode}).`, 'success');
    await load();
    return true;
  }

  async function remove(x: Exclusion): Promise<boolean> {
    const who = x.lesionCode ? `${x.patientCode} / ${x.lesionCode}` : x.patientCode;
    const result = await run('remove', () =>
      ui.attempt(`Could not remove the exclusion of ${who}`, () => call('cohort.unexclude', { id: x.id })),
    );
    if (!result) return false;
    ui.notify(`${who} is included again.`, 'success');
    await load();
    return true;
  }

  /** Writes the diagram as .svg or .png (300 dpi). */
  async function exportFlow(path: string): Promise<boolean> {
    const result = await run('export', () =>
      ui.attempt('Could not export the flow diagram', () => call('cohort.flow.export', { path: path.trim() })),
    );
    if (!result) return false;
    lastExport.value = result.path;
    ui.notify(`Wrote the flow diagram to ${result.path}.`, 'success');
    return true;
  }

  watch(
    () => study.current?.path ?? null,
    () => {
      exclusions.value = [];
      flow.value = null;
      lastExport.value = null;
    },
  );

  return { exclusions, flow, busy, lastExport, load, exclude, remove, exportFlow };
});
