import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { commentFrame, eventFrame, retryFrame } from '../../src/http/sse/frame.js';

function parse(wire: string): EventSourceMessage[] {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e) });
  parser.feed(wire);
  return events;
}

describe('SSE framing', () => {
  it('frames a message as id, event and one data line that a parser reads back whole', () => {
    const json = JSON.stringify({ text: 'a\nb\r\nc\rdata: x\n\nid: 9\nevent: lost' });
    const events = parse(eventFrame('message', json, 42));
    expect(events).toEqual([{ id: '42', event: 'message', data: json }]);
    expect(JSON.parse(events[0]!.data).text).toBe('a\nb\r\nc\rdata: x\n\nid: 9\nevent: lost');
  });

  it('refuses data that is not one line, so no caller can forge a field', () => {
    expect(() => eventFrame('message', '{"a":1}\ndata: 2')).toThrow();
    expect(() => eventFrame('presence', 'x\ry')).toThrow();
  });

  it('keeps comments on one line and makes them invisible to clients', () => {
    expect(parse(commentFrame('hi\n\nevent: message\ndata: forged') + retryFrame(1500))).toEqual([]);
    expect(commentFrame('a\r\nb')).toBe(': a b\n\n');
  });
});
