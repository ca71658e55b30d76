import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One built console file, held in memory with the headers it is served with. */
export interface ConsoleFile {
  readonly body: Buffer;
  readonly contentType: string;
  readonly cacheControl: string;
}

/**
 * The console build as a fixed map from URL path (`/ui/index.html`, `/ui/assets/index-abc.js`)
 * to file. Read once at startup; serving never touches the filesystem, so no path is ever
 * derived from a request URL.
 */
export type ConsoleFiles = ReadonlyMap<string, ConsoleFile>;

/** Where `npm run build` writes the console (vite build --config ui/vite.config.ts). */
export const defaultConsoleDirectory = new URL('../../../dist/ui/', import.meta.url);

const contentTypes: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
};

/** A file or folder name the console may serve: plain characters, no leading dot. */
const safeName = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const maxFiles = 500;
const maxTotalBytes = 32 * 1024 * 1024;

/**
 * Reads the built console from `directory` (index.html at the top, hashed files in assets/).
 * Only regular files with a known type and a plain name are taken; anything else is skipped.
 * Returns undefined when there is no build (no index.html), so the gateway can say so.
 */
export async function loadConsoleFiles(directory: URL | string): Promise<ConsoleFiles | undefined> {
  const root = typeof directory === 'string' ? directory : fileURLToPath(directory);
  const files = new Map<string, ConsoleFile>();
  let totalBytes = 0;
  const visit = async (folder: string, urlPrefix: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!safeName.test(entry.name) || files.size >= maxFiles) {
        continue;
      }
      const path = join(folder, entry.name);
      if (entry.isDirectory() && depth < 2) {
        await visit(path, `${urlPrefix}${entry.name}/`, depth + 1);
        continue;
      }
      const contentType = contentTypes[extensionOf(entry.name)];
      if (!entry.isFile() || contentType === undefined) {
        continue;
      }
      const body = await readFile(path);
      totalBytes += body.length;
      if (totalBytes > maxTotalBytes) {
        return;
      }
      files.set(`${urlPrefix}${entry.name}`, {
        body,
        contentType,
        // Vite names everything in assets/ by content hash: a changed file has a new name.
        cacheControl: urlPrefix.endsWith('/assets/')
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
      });
    }
  };
  await visit(root, '/ui/', 0);
  return files.has('/ui/index.html') ? files : undefined;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? '' : name.slice(dot + 1).toLowerCase();
}
