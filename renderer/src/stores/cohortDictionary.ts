import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input } from '../../../main/api/contract.js';
import { ApiCallError, call } from '../api/client.js';
import { useCohortStore, type DictionaryVariable } from './cohort.js';
import { useUiStore } from './ui.js';

export type VariableInput = Input<'cohort.variable.save'>['variable'];

/** One problem of a variable being edited: the field it is about and what to do. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Editing the data dictionary. The list itself lives in the cohort store (the table's columns
 * follow it); this store saves one variable and keeps the errors of the last attempt, by field,
 * so the form can show each beside its input.
 */
export const useCohortDictionaryStore = defineStore('cohortDictionary', () => {
  const ui = useUiStore();
  const cohort = useCohortStore();
  const saving = ref(false);
  const errors = ref<FieldError[]>([]);

  /** Saves (adds or changes) a variable; true on success, else `errors` says why. */
  async function save(variable: VariableInput): Promise<DictionaryVariable | null> {
    if (saving.value) return null;
    saving.value = true;
    errors.value = [];
    try {
      const saved = await call('cohort.variable.save', { variable });
      ui.notify(`Saved the variable ${saved.label} (${saved.name}).`, 'success');
      await cohort.load();
      return saved;
    } catch (err) {
      errors.value = fieldErrors(err);
      return null;
    } finally {
      saving.value = false;
    }
  }

  function clearErrors(): void {
    errors.value = [];
  }

  return { saving, errors, save, clearErrors };
});

/** The back end's validation issues (`variable.levels: …`) by field; any other failure as one message. */
function fieldErrors(err: unknown): FieldError[] {
  if (err instanceof ApiCallError) {
    const issues = (err.details as { issues?: { path?: string; message?: string }[] } | undefined)?.issues;
    if (Array.isArray(issues) && issues.length > 0 && issues.every((i) => typeof i.path === 'string')) {
      return issues.map((i) => ({ field: i.path!.replace(/^variable\.?/, '') || 'variable', message: i.message ?? 'not valid' }));
    }
    return [{ field: '', message: err.message }];
  }
  return [{ field: '', message: err instanceof Error ? err.message : String(err) }];
}
