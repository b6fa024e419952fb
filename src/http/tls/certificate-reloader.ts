import { createHash } from 'node:crypto';
import { realpathSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from '../../log/logger.js';
import {
  CertificateError,
  checkPair,
  readPairBytes,
  type CertificateFiles,
  type CertificatePair,
  type PairBytes,
} from './certificate-pair.js';
import type { TlsProfile } from './profile.js';

/** What one reload did: took a new pair, found the files as they were, or kept the last good pair. */
export type ReloadOutcome = 'reloaded' | 'unchanged' | 'failed';

export interface CertificateReloaderOptions {
  /** The TLS server whose new connections get the pair (node:tls and node:https servers have this). */
  readonly server: { setSecureContext(options: SecureContextOptions): void };
  readonly files: CertificateFiles;
  readonly profile: TlsProfile;
  /** The pair the server was created with. */
  readonly current: CertificatePair;
  readonly log: Logger;
  /** Quiet time after the last change in a watched directory before the files are reread (ms). */
  readonly debounceMs: number;
}

/**
 * Rereads the certificate and key on request (SIGHUP) and when their directories change, and swaps a pair that
 * loads in for new connections; connections already open keep the pair they began with.
 *
 * Contract:
 * - A pair that does not load is logged once at error level, naming the file and the reason; the same broken
 *   files are not logged again however often they are reread. The last good pair stays in use.
 * - Directories are watched, not files: ACME clients (certbot) and secret mounts replace files by renaming or
 *   swapping symlinks, which a watch on the old file would never see. Any change there rereads both files, after
 *   `debounceMs` of quiet so that a cert and key replaced one after the other are read together.
 * - Reloads run one at a time; `close` stops watching and waits for the one in progress.
 */
export class CertificateReloader {
  private current: CertificatePair;
  private lastFailure: string | undefined;
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private watching = false;
  private closed = false;

  constructor(private readonly options: CertificateReloaderOptions) {
    this.current = options.current;
  }

  /**
   * Watches the directories of both files and, where a file is a symlink, the directory of what it points to (a
   * file rewritten in place there). A directory that cannot be watched is logged; SIGHUP still works.
   */
  watch(): void {
    this.watching = true;
    const previous = this.watchers;
    this.watchers = [];
    for (const dir of watchedDirectories(this.options.files)) {
      try {
        const watcher = watch(dir, { persistent: false }, () => this.changed());
        watcher.on('error', (err) => {
          this.options.log.warn({ err, dir }, 'stopped watching the TLS files; reload with SIGHUP');
          watcher.close();
        });
        this.watchers.push(watcher);
      } catch (err) {
        this.options.log.warn({ err, dir }, 'cannot watch the TLS files; reload with SIGHUP');
      }
    }
    for (const watcher of previous) watcher.close();
  }

  /** Rereads both files now; `trigger` goes into the log line. Never rejects. */
  reload(trigger: string): Promise<ReloadOutcome> {
    const next = this.queue
      .then(() => this.attempt(trigger))
      .catch((err: unknown): ReloadOutcome => {
        this.options.log.error({ err, trigger }, 'TLS reload failed');
        return 'failed';
      });
    this.queue = next;
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
    await this.queue;
  }

  private changed(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload('file change'), this.options.debounceMs);
  }

  private async attempt(trigger: string): Promise<ReloadOutcome> {
    const { files, profile, log, server } = this.options;
    if (this.closed) return 'unchanged';
    let bytes: PairBytes | undefined;
    let pair: CertificatePair;
    try {
      bytes = await readPairBytes(files);
      if (sameBytes(bytes, this.current)) {
        this.lastFailure = undefined;
        return 'unchanged';
      }
      pair = checkPair(files, bytes, profile);
      server.setSecureContext(pair.options);
    } catch (err) {
      const { file, reason } = err instanceof CertificateError ? err : { file: files.cert, reason: String(err) };
      const signature = `${file}\0${reason}\0${bytes ? digest(bytes) : ''}`;
      if (signature !== this.lastFailure) {
        this.lastFailure = signature;
        log.error(
          { trigger, file, reason },
          `TLS certificate not reloaded: ${file} ${reason}; the last good certificate stays in use`,
        );
      }
      return 'failed';
    }
    this.current = pair;
    this.lastFailure = undefined;
    log.info(
      { trigger, cert: files.cert, fingerprint256: pair.fingerprint256, subject: pair.subject, validTo: pair.validTo },
      'TLS certificate reloaded',
    );
    // The directory may itself have been swapped (a symlink to a new release): watch what the paths name now.
    if (this.watching && !this.closed) this.watch();
    return 'reloaded';
  }
}

function watchedDirectories(files: CertificateFiles): Set<string> {
  const dirs = new Set<string>();
  for (const file of [files.cert, files.key]) {
    dirs.add(dirname(file));
    try {
      dirs.add(dirname(realpathSync(file)));
    } catch {
      // A missing file: its own directory is watched, for when it appears.
    }
  }
  return dirs;
}

function sameBytes(a: PairBytes, b: PairBytes): boolean {
  return a.cert.equals(b.cert) && a.key.equals(b.key);
}

function digest(bytes: PairBytes): string {
  return createHash('sha256').update(bytes.cert).update('\0').update(bytes.key).digest('hex');
}
