import { defineConfig } from 'vite';

// Plain TypeScript, no framework. `npm run build` writes web/dist, which
// `clearline serve` serves (server.web_root, or web/dist found near the binary).
export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
});
