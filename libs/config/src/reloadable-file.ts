/*
 * One reload mechanism for every configuration file a service reads (SLA policies, routing config,
 * emotion tenant settings): loaded and validated at start-up (a bad file stops start-up), then
 * reloaded without a restart on SIGHUP and when the file changes (polled, so editors' atomic
 * renames and Kubernetes ConfigMap symlink swaps are seen too). A valid new file replaces the
 * current value and is announced to the listeners; an invalid one is rejected with the same message
 * as at start-up and the old value stays in force.
 */
import { Logger } from '@nestjs/common';
import { readFileSync, statSync, unwatchFile, watchFile } from 'node:fs';

export type ReloadOutcome = 'applied' | 'unchanged' | 'rejected';

export interface ReloadableOptions<T> {
  /** Name for logs, e.g. "SLA_POLICIES_FILE". */
  name: string;
  /** Undefined: the value never reloads (defaults in use). */
  path: string | undefined;
  /** Reads and validates the file; throws an error whose message names the bad field. */
  load: (path: string | undefined) => T;
  /** How often the file is checked for a change (ms). */
  pollMs?: number;
}

export class ReloadableFile<T> {
  private readonly log: Logger;
  private value: T;
  private text?: string;
  private readonly listeners: ((next: T, prev: T) => void)[] = [];
  private readonly outcomeListeners: ((o: ReloadOutcome) => void)[] = [];
  private readonly onHup = () => { this.reload(); };
  private watching = false;

  constructor(private readonly options: ReloadableOptions<T>) {
    this.log = new Logger(`reload:${options.name}`);
    this.value = options.load(options.path);
    this.text = this.read();
  }

  current(): T {
    return this.value;
  }

  /** Called with the new and the old value after every applied reload. */
  onChange(listener: (next: T, prev: T) => void): void {
    this.listeners.push(listener);
  }

  onOutcome(listener: (o: ReloadOutcome) => void): void {
    this.outcomeListeners.push(listener);
  }

  start(): void {
    if (!this.options.path || this.watching) return;
    this.watching = true;
    process.on('SIGHUP', this.onHup);
    watchFile(this.options.path, { interval: this.options.pollMs ?? 1000, persistent: false }, () => this.reload());
  }

  stop(): void {
    if (!this.watching || !this.options.path) return;
    this.watching = false;
    process.off('SIGHUP', this.onHup);
    unwatchFile(this.options.path);
  }

  /** Re-reads the file; the same content is a no-op, so SIGHUP and the watcher may both fire. */
  reload(): ReloadOutcome {
    const outcome = this.tryReload();
    for (const l of this.outcomeListeners) l(outcome);
    return outcome;
  }

  private tryReload(): ReloadOutcome {
    if (!this.options.path) return 'unchanged';
    const text = this.read();
    if (text !== undefined && text === this.text) return 'unchanged';
    let next: T;
    try {
      next = this.options.load(this.options.path);
    } catch (e) {
      this.log.error(`rejected, the previous configuration stays in force: ${(e as Error).message}`);
      this.text = text;
      return 'rejected';
    }
    const prev = this.value;
    this.value = next;
    this.text = text;
    this.log.log(`reloaded ${this.options.path}`);
    for (const l of this.listeners) {
      try { l(next, prev); } catch (e) { this.log.error(`reload listener failed: ${(e as Error).message}`); }
    }
    return 'applied';
  }

  private read(): string | undefined {
    if (!this.options.path) return undefined;
    try {
      statSync(this.options.path);
      return readFileSync(this.options.path, 'utf8');
    } catch {
      return undefined;
    }
  }
}
