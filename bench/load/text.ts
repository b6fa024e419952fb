// Message texts of the benchmarks: the send time first (wall-clock ms), then filler up to a fixed length, so
// that a receiver can time a message without a lookup and every frame has the same size.

const marker = '"text":"@';

export function stampedText(sentAt: number, length: number): string {
  const head = `@${sentAt.toFixed(3)} `;
  return head + 'x'.repeat(Math.max(0, length - head.length));
}

/** The send time in a msgform's JSON whose text came from stampedText; NaN when there is none. */
export function sentAtOf(json: string): number {
  const at = json.indexOf(marker);
  return at === -1 ? NaN : Number.parseFloat(json.slice(at + marker.length, at + marker.length + 24));
}
