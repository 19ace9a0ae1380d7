import { relative, resolve, sep } from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { WatchSpec } from '../../protocol/index.js';
import { compileGlob } from './glob.js';

/** Never worth a restart, whatever the spec says. */
const ALWAYS_IGNORED = ['node_modules', '.git'];

export interface SourceWatchOptions {
  spec: WatchSpec;
  /** Where relative paths and globs start. */
  cwd: string;
  /** Called once per burst of changes (debounced), with one of the changed paths. */
  changed(path: string): void;
  /** A watcher error (e.g. too many watched files), reported once each. */
  failed(message: string): void;
}

/**
 * Watches a service's sources with chokidar: changes under `paths`, debounced, minus node_modules,
 * .git and the `ignore` globs. Closed (and rebuilt) when the spec changes. chokidar loads with the
 * first watch: a daemon with no `watch:` service never pays for it.
 */
export class SourceWatch {
  private readonly watcher: Promise<FSWatcher>;
  private timer: NodeJS.Timeout | undefined;
  private lastPath = '';
  private readonly scanned: Promise<void>;

  constructor(private readonly options: SourceWatchOptions) {
    const { spec, cwd } = options;
    const ignored = spec.ignore.map(compileGlob);
    const isIgnored = (path: string) => {
      const rel = relative(cwd, path).split(sep).join('/');
      if (rel.split('/').some((part) => ALWAYS_IGNORED.includes(part))) return true;
      return rel !== '' && ignored.some((pattern) => pattern.test(rel));
    };
    this.watcher = import('chokidar').then(({ watch }) => {
      const watcher = watch(
        spec.paths.map((path) => resolve(cwd, path)),
        { ignoreInitial: true, ignored: isIgnored },
      );
      watcher.on('all', (_event, path) => this.schedule(path));
      watcher.on('error', (error) => options.failed((error as Error).message));
      return watcher;
    });
    this.scanned = this.watcher.then((watcher) => new Promise((resolveReady) => watcher.once('ready', () => resolveReady())));
  }

  /** Resolves once the initial scan is done, so a change made after it is seen. */
  ready(): Promise<void> {
    return this.scanned;
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await (await this.watcher).close();
  }

  private schedule(path: string): void {
    this.lastPath = path;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.options.changed(relative(this.options.cwd, this.lastPath) || this.lastPath), this.options.spec.debounceMs);
  }
}
