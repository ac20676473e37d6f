import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `vite build web` (npm run web:build) writes web/dist, which the API serves at `/`.
// `vite web` serves the app with hot reload, the API proxied from `npm start` on port 3000.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200, reportCompressedSize: false },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
