import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { MsgformEncoder, type SharedMsgform } from '../../src/core/msgform.js';
import { commentFrame, eventFrame, messageFrameAround, recipientPart, retryFrame } from '../../src/http/sse/frame.js';

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

  it('frames a message around its recipient with the bytes of the whole frame, the same parts for every recipient', () => {
    const encoder = new MsgformEncoder({ id: 12, from: 'alice', kind: 'broadcast', text: 'a\nb "c"', sentAt: 0 });
    for (const to of ['bob', 'carol']) {
      const entry = encoder.forRecipient(to);
      const shared: SharedMsgform = entry.shared!;
      const [before, after] = messageFrameAround(shared.id, shared.head, shared.tail);
      expect(before + recipientPart(to)! + after).toBe(eventFrame('message', entry.json, 12));
    }
  });

  it('leaves a recipient that would need escaping to the whole frame', () => {
    expect(recipientPart('bob')).toBe('bob');
    expect(recipientPart('b"ob')).toBeUndefined();
    expect(recipientPart('a\nb')).toBeUndefined();
  });
});
