import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';
import { META_CONTENT_SECURITY_POLICY } from '../main/server/csp.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * index.html carries the CSP as a meta tag (it also applies when Electron loads the file from
 * disk); the server and Electron send the same policy as a header. Both are enforced together,
 * so a drift would silently tighten one of them: fail the build instead.
 */
function cspMetaMatchesServer(): Plugin {
  return {
    name: 'radstudy:csp-meta',
    transformIndexHtml(html) {
      const match = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
      if (!match) throw new Error('renderer/index.html has no Content-Security-Policy meta tag.');
      if (match[1] !== META_CONTENT_SECURITY_POLICY) {
        throw new Error(
          `The CSP meta tag in renderer/index.html differs from main/server/csp.ts.\n  meta:   ${match[1]}\n  server: ${META_CONTENT_SECURITY_POLICY}`,
        );
      }
      return html;
    },
  };
}

/**
 * The renderer is built once into dist/renderer and loaded either by Electron from disk
 * (file://, hence relative asset URLs) or by `radstudy serve` over loopback HTTP.
 * Templates are compiled here, so the app runs on Vue's runtime-only build under a CSP
 * without 'unsafe-eval'.
 */
export default defineConfig({
  root,
  base: './',
  plugins: [vue(), cspMetaMatchesServer()],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // Everything ships inside the app; nothing is inlined as data: URLs or fetched remotely.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
});
