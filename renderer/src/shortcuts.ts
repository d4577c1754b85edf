/** Keyboard shortcuts, listed once for the handler and the help dialog. */
export interface ShortcutInfo {
  keys: string[];
  description: string;
}

export const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
export const modKey = isMac ? '⌘' : 'Ctrl';

export const shortcutList: ShortcutInfo[] = [
  { keys: [modKey, 'N'], description: 'New study' },
  { keys: [modKey, 'O'], description: 'Open study' },
  { keys: ['Alt', '1…8'], description: 'Home, Cohort, Images, Segmentation, Extraction, Analysis, Jobs, Readers' },
  { keys: [modKey, 'J'], description: 'Jobs' },
  { keys: [modKey, 'Shift', 'L'], description: 'Switch between light and dark theme' },
  { keys: ['?'], description: 'Show this list' },
  { keys: ['Esc'], description: 'Close a dialog or panel, leave a text field' },
];
