import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { Output } from '../../../main/api/contract.js';
import { call } from '../api/client.js';
import { plural } from '../format.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

export type AuditEntry = Output<'audit.list'>[number];

/** The newest entries the viewer reads at once; the CSV export always holds every entry. */
export const AUDIT_LIMIT = 2000;

/** The audit log of the study: every change, who made it, and the old and new value. */
export const useCohortAuditStore = defineStore('cohortAudit', () => {
  const ui = useUiStore();
  const study = useStudyStore();

  const entries = shallowRef<AuditEntry[]>([]);
  const entity = ref('');
  const busy = ref<'load' | 'export' | null>(null);
  const lastExport = shallowRef<Output<'audit.export'> | null>(null);

  async function load(): Promise<void> {
    if (!study.current) return;
    busy.value = 'load';
    try {
      const list = await ui.attempt('Could not read the audit log', () =>
        call('audit.list', entity.value ? { limit: AUDIT_LIMIT, entity: entity.value } : { limit: AUDIT_LIMIT }),
      );
      if (list) entries.value = list;
    } finally {
      busy.value = null;
    }
  }

  async function exportCsv(path: string): Promise<boolean> {
    if (busy.value) return false;
    busy.value = 'export';
    try {
      const result = await ui.attempt('Could not export the audit log', () => call('audit.export', { path: path.trim() }));
      if (!result) return false;
      lastExport.value = result;
      ui.notify(`Exported ${plural(result.rows, 'audit entry', 'audit entries')} to ${result.path}.`, 'success');
      return true;
    } finally {
      busy.value = null;
    }
  }

  watch(
    () => study.current?.path ?? null,
    () => {
      entries.value = [];
      entity.value = '';
      lastExport.value = null;
    },
  );

  return { entries, entity, busy, lastExport, load, exportCsv };
});
