// Builds the agent app (web/) into web/dist, which the server serves at / and /assets/.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // Vite's own esbuild transform handles JSX; no React plugin (no Fast Refresh needed for a built app)
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
    rollupOptions: {
      // React Query marks its hooks "use client" for server-component bundlers; meaningless in a client-only build
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return
        warn(warning)
      },
    },
  },
  server: {
    // `npx vite --config web/vite.config.ts` against a server on :3000
    proxy: { '/api': { target: 'http://127.0.0.1:3000', ws: true } },
  },
})
