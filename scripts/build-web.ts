/**
 * Bundles the dashboard's browser code (hub/web/src, TypeScript) and its style sheet into
 * hub/web/static, next to the pages, with esbuild: no CDN, the hub serves everything itself (the
 * network is closed). Run by `npm run build` and `npm test`; the browser tests call `buildWeb()`.
 * A file is replaced only when its content changed, and by a rename, so a hub serving the folder
 * while another test builds never sends a half-written script.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../hub/web/', import.meta.url));

export async function buildWeb(): Promise<void> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: 'src/main.ts', login: 'src/login.ts', style: 'src/style.css' },
    outdir: 'static',
    bundle: true,
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    logLevel: 'warning',
    write: false,
  });
  for (const file of result.outputFiles) {
    let current: Buffer | null = null;
    try {
      current = readFileSync(file.path);
    } catch {
      // not built yet
    }
    if (current?.equals(file.contents)) continue;
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildWeb();
