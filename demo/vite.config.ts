// The demo page: built from the package's dist/ (npm run build first), served on 127.0.0.1.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const dist = (p: string) => fileURLToPath(new URL(`../dist/${p}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [
      { find: /^scanfuse\/worker$/, replacement: dist('worker/index.js') },
      { find: /^scanfuse$/, replacement: dist('index.js') },
    ],
  },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
  preview: { host: '127.0.0.1', port: 4178, strictPort: false },
  server: { host: '127.0.0.1' },
  logLevel: 'warn',
});
