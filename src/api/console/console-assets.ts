import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** One built file of the console, held in memory with its gzipped form. */
export interface ConsoleAsset {
  body: Buffer;
  /** Null when compressing does not pay (images, tiny files). */
  gzip: Buffer | null;
  contentType: string;
  /** Vite puts a content hash in every name under `assets/`: such a file never changes. */
  immutable: boolean;
}

/** Where `npm run build` writes the console: `web/dist` beside `src/` and `dist/`. */
export const defaultConsoleDir = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Reads every file of the built console into memory, keyed by URL path (`/index.html`,
 * `/assets/index-3f2a.js`). The whole console is a few hundred kilobytes, so serving from memory
 * costs nothing and no request ever touches the disk or can name a path outside the folder.
 * An empty map when the console has not been built.
 */
export function loadConsoleAssets(dir: string = defaultConsoleDir): Map<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>();
  if (!existsSync(join(dir, 'index.html'))) return assets;
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const urlPath = `/${relative(dir, path).split(sep).join('/')}`;
      const body = readFileSync(path);
      const contentType = TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
      const compressible = /^(text\/|application\/json|image\/svg)/.test(contentType) && body.length > 512;
      assets.set(urlPath, {
        body,
        gzip: compressible ? gzipSync(body, { level: 9 }) : null,
        contentType,
        immutable: urlPath.startsWith('/assets/'),
      });
    }
  };
  walk(dir);
  return assets;
}
