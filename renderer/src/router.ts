import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import type { ViewId } from './navigation.js';
import AnalysisView from './views/AnalysisView.vue';
import CohortView from './views/CohortView.vue';
import ExtractionView from './views/ExtractionView.vue';
import HomeView from './views/HomeView.vue';
import ImagesView from './views/ImagesView.vue';
import JobsView from './views/JobsView.vue';
import ReadersView from './views/ReadersView.vue';
import SegmentEditorView from './views/SegmentEditorView.vue';
import SegmentationView from './views/SegmentationView.vue';

const routes: (RouteRecordRaw & { name: ViewId })[] = [
  { path: '/', name: 'home', component: HomeView, meta: { title: 'Home' } },
  { path: '/cohort', name: 'cohort', component: CohortView, meta: { title: 'Cohort' } },
  { path: '/images', name: 'images', component: ImagesView, meta: { title: 'Images' } },
  { path: '/segmentation', name: 'segmentation', component: SegmentationView, meta: { title: 'Segmentation' } },
  { path: '/extraction', name: 'extraction', component: ExtractionView, meta: { title: 'Extraction' } },
  { path: '/analysis', name: 'analysis', component: AnalysisView, meta: { title: 'Analysis' } },
  { path: '/jobs', name: 'jobs', component: JobsView, meta: { title: 'Jobs' } },
  { path: '/readers', name: 'readers', component: ReadersView, meta: { title: 'Readers' } },
];

/** Hash history: the same build works from file:// in Electron and over HTTP in browser mode. */
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    ...routes,
    // The workspace is reached from the Segmentation view (a lesion × series × reader), not from the sidebar.
    { path: '/segmentation/edit', name: 'segmentation-editor', component: SegmentEditorView, meta: { title: 'Segment' } },
    { path: '/:unknown(.*)*', redirect: '/' },
  ],
});

router.afterEach((to) => {
  const title = typeof to.meta.title === 'string' ? to.meta.title : null;
  document.title = title ? `${title} — RadStudy` : 'RadStudy';
});
