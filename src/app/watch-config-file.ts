import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Calls `onChange` when the file changes, including when an editor replaces it by rename (the
 * directory is watched, filtered by name). Bursts of events within `debounceMs` become one call.
 * Returns a function that stops watching.
 */
export function watchConfigFile(path: string, onChange: () => void, debounceMs = 150): () => void {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
      if (changed !== null && changed !== name) {
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
  } catch {
    // Watching is a convenience; SIGHUP still reloads when the file system cannot be watched.
    return () => undefined;
  }
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
