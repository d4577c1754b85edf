import { onBeforeUnmount, onMounted } from 'vue';
import { useRouter } from 'vue-router';
import { viewByIndex } from '../navigation.js';
import { useUiStore } from '../stores/ui.js';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type);
  }
  return false;
}

/** Global shortcuts; ignored while typing in a field, except Escape which leaves it. */
export function useShortcuts(): void {
  const router = useRouter();
  const ui = useUiStore();

  function go(path: string): void {
    if (router.currentRoute.value.path !== path) void router.push(path);
  }

  function onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.isComposing) return;

    if (event.key === 'Escape') {
      if (ui.jobsPanelOpen) {
        ui.jobsPanelOpen = false;
        event.preventDefault();
      } else if (isTyping(event.target) && event.target instanceof HTMLElement) {
        event.target.blur();
      }
      return;
    }
    if (isTyping(event.target)) return;

    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();

    if (mod && !event.altKey) {
      if (event.shiftKey && key === 'l') {
        ui.toggleTheme();
      } else if (event.shiftKey) {
        return;
      } else if (key === 'n') {
        go('/');
        ui.requestFocus('create');
      } else if (key === 'o') {
        go('/');
        ui.requestFocus('open');
      } else if (key === 'j') {
        go('/jobs');
      } else {
        return;
      }
      event.preventDefault();
      return;
    }

    // Alt+digit: read the physical key, since Alt changes event.key on macOS layouts.
    if (event.altKey && !mod && !event.shiftKey && /^Digit[1-7]$/.test(event.code)) {
      const view = viewByIndex(Number(event.code.slice(5)) - 1);
      if (view) {
        go(view.path);
        event.preventDefault();
      }
      return;
    }

    if (event.key === '?' && !mod && !event.altKey) {
      ui.shortcutsOpen = true;
      event.preventDefault();
    }
  }

  onMounted(() => window.addEventListener('keydown', onKeydown));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown));
}
