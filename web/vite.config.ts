import { defineConfig } from 'vite';

// Built by `npm run build` from the package root; the server reads web/dist (see
// src/api/console/console-assets.ts). Preact's JSX goes through Vite's own oxc transform.
export default defineConfig({
  root: 'web',
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The CSP allows no inline script or style: keep even tiny assets as files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
