import type { Message } from '../core/msgform.js';

/** One conversation as a scan reads it: up to `count` of its messages with an id below `belowId`, newest first. */
export type MessageSource = (belowId: number, count: number) => readonly Message[];

/**
 * Messages read from a source at a time: a few at first, since most of hundreds of conversations are never
 * reached by a scan that stops at its limit, then twice as many each time, up to the most.
 */
const firstChunk = 4;
const mostChunk = 256;

export interface Scanned {
  /** What `keep` accepted, newest first, with the index of the source each came from. */
  readonly found: { readonly message: Message; readonly source: number }[];
  /** Set when the scan stopped before the end: every message at or above it was examined. */
  readonly next?: number;
}

/**
 * Reads several conversations as one, newest first from below `beforeId`, examining at most `budget` messages,
 * and keeps those `keep` accepts, up to `limit`. The sources are merged through a heap of their newest unread
 * message: the cost is the messages examined, times the log of the number of sources, plus a read per source
 * reached. Given `newest` (each source's newest id in range, undefined for none: one query for all, say), a
 * source is read only once the scan reaches it, so that the many a scan never reaches cost nothing.
 */
export function scanNewestFirst(
  sources: readonly MessageSource[],
  { beforeId, limit, budget }: { beforeId: number; limit: number; budget: number },
  keep: (message: Message, source: number) => boolean,
  newest?: readonly (number | undefined)[],
): Scanned {
  const buffers = sources.map((read, i) => {
    const messages = newest ? [] : read(beforeId, firstChunk);
    return { read, messages, at: 0, asked: firstChunk, head: newest ? newest[i] : messages[0]?.id, unread: !!newest };
  });
  const heap = new MaxHeap((i) => buffers[i]!.head!);
  buffers.forEach((b, i) => b.head !== undefined && heap.push(i));
  const found: { message: Message; source: number }[] = [];
  let examined = 0;
  let last = beforeId;
  for (;;) {
    const i = heap.peek();
    if (i === undefined) return { found };
    const buffer = buffers[i]!;
    if (buffer.unread) {
      buffer.unread = false;
      buffer.messages = buffer.read(buffer.head! + 1, buffer.asked);
      if (!settle(buffer, heap)) continue;
    }
    if (examined >= budget) return { found, next: last };
    const message = buffer.messages[buffer.at]!;
    examined++;
    last = message.id;
    if (keep(message, i)) {
      found.push({ message, source: i });
      if (found.length >= limit) return { found, next: last };
    }
    buffer.at++;
    if (buffer.at === buffer.messages.length) {
      const ended = buffer.messages.length < buffer.asked;
      buffer.asked = Math.min(mostChunk, buffer.asked * 2);
      buffer.messages = ended ? [] : buffer.read(message.id, buffer.asked);
      buffer.at = 0;
    }
    settle(buffer, heap);
  }
}

/** Puts the top source back in its place by its next message, or takes it out when it has none; whether it has. */
function settle(
  buffer: { messages: readonly Message[]; at: number; head: number | undefined },
  heap: MaxHeap,
): boolean {
  buffer.head = buffer.messages[buffer.at]?.id;
  if (buffer.head === undefined) heap.pop();
  else heap.replaceTop();
  return buffer.head !== undefined;
}

/** A binary heap of source indexes, the one with the highest key on top. */
class MaxHeap {
  private readonly items: number[] = [];

  constructor(private readonly key: (item: number) => number) {}

  peek(): number | undefined {
    return this.items[0];
  }

  push(item: number): void {
    this.items.push(item);
    let at = this.items.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.key(this.items[parent]!) >= this.key(item)) break;
      this.items[at] = this.items[parent]!;
      at = parent;
    }
    this.items[at] = item;
  }

  pop(): void {
    const last = this.items.pop()!;
    if (this.items.length > 0) {
      this.items[0] = last;
      this.replaceTop();
    }
  }

  /** The top's key changed (it only ever goes down): sinks it to its place. */
  replaceTop(): void {
    const items = this.items;
    const item = items[0]!;
    const key = this.key(item);
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && this.key(items[right]!) > this.key(items[left]!) ? right : left;
      if (this.key(items[child]!) <= key) break;
      items[at] = items[child]!;
      at = child;
    }
    items[at] = item;
  }
}
