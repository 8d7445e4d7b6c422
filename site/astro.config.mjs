// @ts-check

import { fileURLToPath } from 'node:url';
import { API_PATHS } from '@emotion/core/api/routes';
import { defineConfig } from 'astro/config';

// The training pages read the committed run from the repo's model/ folder at build time.
// MODEL_DIR points elsewhere (the tests' fixtures, for instance).
process.env.MODEL_DIR ??= fileURLToPath(new URL('../model/', import.meta.url));

export default defineConfig({
  output: 'static',
  outDir: process.env.SITE_OUT_DIR ?? './dist',
  // training.html rather than training/index.html: Workers static assets and `astro preview`
  // both serve it at /training without a redirect.
  build: { format: 'file', inlineStylesheets: 'never' },
  trailingSlash: 'never',
  devToolbar: { enabled: false },
  // Nothing inline: every script and stylesheet is a file, so the pages run under a strict
  // Content-Security-Policy (script-src 'self'; style-src 'self').
  vite: {
    build: { assetsInlineLimit: 0 },
    // `npm run dev`: the API calls go to the worker (`npm start`, or API_PROXY).
    server: {
      proxy: Object.fromEntries(API_PATHS.map((p) => [p, process.env.API_PROXY ?? 'http://127.0.0.1:8787'])),
    },
  },
});
