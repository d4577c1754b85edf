/** The app's top-level views, in the order of the sidebar and of the Alt+1…Alt+7 shortcuts. */
export const views = [
  { id: 'home', path: '/', label: 'Home' },
  { id: 'cohort', path: '/cohort', label: 'Cohort' },
  { id: 'images', path: '/images', label: 'Images' },
  { id: 'segmentation', path: '/segmentation', label: 'Segmentation' },
  { id: 'extraction', path: '/extraction', label: 'Extraction' },
  { id: 'analysis', path: '/analysis', label: 'Analysis' },
  { id: 'jobs', path: '/jobs', label: 'Jobs' },
  { id: 'readers', path: '/readers', label: 'Readers' },
] as const;

export type ViewId = (typeof views)[number]['id'];
export type ViewEntry = (typeof views)[number];

export function viewByIndex(index: number): ViewEntry | undefined {
  return views[index];
}
