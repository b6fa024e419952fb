/** A durable backend's copy of itself; a backend without a file of its own (memory, Redis) has none. */
export interface Backup {
  /** A consistent copy of everything, taken while serving, into a new file. */
  backup(destination: string): Promise<void>;
}
