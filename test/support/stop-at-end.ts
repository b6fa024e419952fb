/**
 * What the current test file started and has not stopped yet: servers, clients, terminals, browsers. The test
 * support registers each one as it starts it, and the setup file (test/support/setup-file.ts) stops whatever is
 * left once the file's own hooks ran, whatever their outcome, so that a setup that throws half-way leaves nothing.
 */
const pending = new Set<() => Promise<unknown> | unknown>();

/** Registers `stop` for the end of the file; call the returned function once the thing stopped by itself. */
export function stopAtEnd(stop: () => Promise<unknown> | unknown): () => void {
  pending.add(stop);
  return () => void pending.delete(stop);
}

/** Stops everything still registered, all at once; one that fails to stop does not keep the others running. */
export async function stopEverything(): Promise<void> {
  const stops = [...pending];
  pending.clear();
  const results = await Promise.allSettled(stops.map(async (stop) => stop()));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0)
    throw new AggregateError(
      failed.map((r) => r.reason),
      'stopping what the test file started failed',
    );
}
