import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The UI is served from the Tauri shell (later) or a local dev server: no remote origins,
// no inline scripts (Vite emits one module script file), relative asset paths.
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  // Component tests mount components in happy-dom: Svelte's browser build (Vitest runs in mode
  // `test`; the app's build is untouched).
  ...(mode === 'test' ? { resolve: { conditions: ['browser'] } } : {}),
  base: './',
  build: {
    target: 'es2022',
    // Keep styles in files: the shell's CSP forbids inline scripts, and files keep it simple.
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
}));
