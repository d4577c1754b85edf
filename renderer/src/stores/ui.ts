import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { ApiCallError } from '../api/client.js';

export type ThemePreference = 'light' | 'dark' | 'system';
export type ResolvedTheme = 'light' | 'dark';

/** An error the user has to see and dismiss (role="alert"). */
export interface AlertItem {
  id: number;
  /** What the user was trying to do, e.g. "Could not open the study". */
  title: string;
  /** The API's user-facing message: what was wrong and what to do. */
  message: string;
  code: string | null;
}

/** A short notice that goes away by itself (role="status"). */
export interface ToastItem {
  id: number;
  message: string;
  tone: 'info' | 'success' | 'warning';
}

export type FocusTarget = 'create' | 'open';

const THEME_KEY = 'radstudy.theme';
const MAX_ALERTS = 5;
const TOAST_MS = 6000;

function readStoredTheme(): ThemePreference {
  try {
    const value = localStorage.getItem(THEME_KEY);
    if (value === 'light' || value === 'dark' || value === 'system') return value;
  } catch {
    // Storage can be unavailable (privacy settings); the default is fine then.
  }
  return 'system';
}

function writeStoredTheme(value: ThemePreference): void {
  try {
    localStorage.setItem(THEME_KEY, value);
  } catch {
    // Not persisted; the choice still applies to this window.
  }
}

/**
 * Only the message of an error is ever shown. API errors carry a message written for the
 * user; anything else is a bug in the interface, shown as such without its stack.
 */
export function describeError(err: unknown): { message: string; code: string | null } {
  if (err instanceof ApiCallError) return { message: err.message, code: err.code };
  if (err instanceof Error) {
    return {
      message: `The interface hit an unexpected problem (${err.message}). Nothing was changed; reload the window and try again.`,
      code: null,
    };
  }
  return { message: String(err), code: null };
}

export const useUiStore = defineStore('ui', () => {
  // Theme
  const themePreference = ref<ThemePreference>(readStoredTheme());
  const systemDark = ref(false);
  const media = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  if (media) {
    systemDark.value = media.matches;
    media.addEventListener('change', (e) => {
      systemDark.value = e.matches;
    });
  }
  const theme = computed<ResolvedTheme>(() =>
    themePreference.value === 'system' ? (systemDark.value ? 'dark' : 'light') : themePreference.value,
  );
  watch(
    theme,
    (value) => {
      document.documentElement.dataset.theme = value;
    },
    { immediate: true },
  );

  function setTheme(value: ThemePreference): void {
    themePreference.value = value;
    writeStoredTheme(value);
  }

  /** Switches to the opposite of what is shown now, as an explicit choice. */
  function toggleTheme(): void {
    setTheme(theme.value === 'dark' ? 'light' : 'dark');
  }

  // Alerts and toasts
  let nextId = 1;
  const alerts = ref<AlertItem[]>([]);
  const toasts = ref<ToastItem[]>([]);

  function reportError(title: string, err: unknown): void {
    const { message, code } = describeError(err);
    // The same failure twice in a row (e.g. a double click) is shown once.
    const last = alerts.value[alerts.value.length - 1];
    if (last && last.message === message && last.title === title) return;
    alerts.value.push({ id: nextId++, title, message, code });
    if (alerts.value.length > MAX_ALERTS) alerts.value.splice(0, alerts.value.length - MAX_ALERTS);
  }

  function dismissAlert(id: number): void {
    alerts.value = alerts.value.filter((a) => a.id !== id);
  }

  function clearAlerts(): void {
    alerts.value = [];
  }

  function notify(message: string, tone: ToastItem['tone'] = 'info'): void {
    const id = nextId++;
    toasts.value.push({ id, message, tone });
    window.setTimeout(() => dismissToast(id), TOAST_MS);
  }

  function dismissToast(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  /**
   * Runs an action; a failure becomes an alert titled `title` and the result is undefined.
   * A success dismisses earlier alerts with the same title.
   */
  async function attempt<T>(title: string, action: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await action();
      // The same action succeeding resolves its earlier failure.
      if (alerts.value.some((a) => a.title === title)) alerts.value = alerts.value.filter((a) => a.title !== title);
      return result;
    } catch (err) {
      reportError(title, err);
      return undefined;
    }
  }

  // Dialogs and focus requests from keyboard shortcuts
  const shortcutsOpen = ref(false);
  const jobsPanelOpen = ref(false);
  const focusRequest = ref<{ target: FocusTarget; seq: number } | null>(null);
  let focusSeq = 0;

  /** Asks a form to take focus; it may not be mounted yet (the route is still changing). */
  function requestFocus(target: FocusTarget): void {
    focusRequest.value = { target, seq: ++focusSeq };
  }

  /** True once for a pending request for `target`, which is then cleared. */
  function takeFocusRequest(target: FocusTarget): boolean {
    if (focusRequest.value?.target !== target) return false;
    focusRequest.value = null;
    return true;
  }

  return {
    themePreference,
    theme,
    setTheme,
    toggleTheme,
    alerts,
    toasts,
    reportError,
    dismissAlert,
    clearAlerts,
    notify,
    dismissToast,
    attempt,
    shortcutsOpen,
    jobsPanelOpen,
    focusRequest,
    requestFocus,
    takeFocusRequest,
  };
});
