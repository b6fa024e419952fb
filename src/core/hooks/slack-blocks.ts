import type { SlackBlock, SlackBlockElement, SlackRichElement, SlackTextObject } from './slack-payload.js';
import { mrkdwnToPlain } from './slack-mrkdwn.js';

/**
 * Block Kit layout blocks as plain text, one block after the other
 * (https://api.slack.com/reference/block-kit/blocks). Interactive blocks (`actions`, `input`, buttons and other
 * accessories) do nothing in Parley and are left out; an image says its alt text at most.
 */
export function renderBlocks(blocks: readonly SlackBlock[]): string {
  return blocks.map(renderBlock).filter(nonEmpty).join('\n');
}

export function nonEmpty(text: string): boolean {
  return text.trim() !== '';
}

/** A text object: `mrkdwn` carries Slack's markup, `plain_text` is shown exactly as written. */
export function textOf(object: Pick<SlackTextObject, 'type' | 'text'> | undefined): string {
  const text = object?.text ?? '';
  return (object?.type === 'plain_text' ? text : mrkdwnToPlain(text)).trim();
}

const divider = '———';

function renderBlock(block: SlackBlock): string {
  switch (block.type) {
    case 'header':
      return textOf(block.text);
    case 'section':
      // Fields are the short cells of a two-column grid ("*Status:*\nOK"): each reads best on one line.
      return [textOf(block.text), ...block.fields.map((field) => textOf(field).replace(/\s*\n\s*/g, ' '))]
        .filter(nonEmpty)
        .join('\n');
    case 'context':
      // Slack packs these side by side; images among them say nothing useful.
      return block.elements
        .filter((element) => element.type === 'mrkdwn' || element.type === 'plain_text')
        .map(textOf)
        .filter(nonEmpty)
        .join(' ');
    case 'divider':
      return divider;
    case 'image':
      return block.alt_text?.trim() ?? '';
    case 'rich_text':
      return block.elements.map(renderRichContainer).filter(nonEmpty).join('\n');
    default:
      return '';
  }
}

/** A rich_text section, list, quote or preformatted run (https://api.slack.com/reference/block-kit/blocks#rich_text). */
function renderRichContainer(container: SlackBlockElement): string {
  switch (container.type) {
    case 'rich_text_section':
    case 'rich_text_preformatted':
      return richRun(container.elements);
    case 'rich_text_quote':
      return richRun(container.elements)
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
    case 'rich_text_list': {
      const indent = '  '.repeat(Math.max(0, Math.min(container.indent ?? 0, 8)));
      return container.elements
        .map((item, i) => `${indent}${container.style === 'ordered' ? `${i + 1}.` : '•'} ${richRun(item.elements)}`)
        .join('\n');
    }
    default:
      return '';
  }
}

function richRun(elements: readonly Omit<SlackRichElement, 'elements'>[]): string {
  return elements.map(richInline).join('').replace(/\n+$/, '');
}

/** Rich text is literal: no markup to undo, only mentions, links and emoji to spell out. */
function richInline(element: Omit<SlackRichElement, 'elements'>): string {
  switch (element.type) {
    case 'link': {
      const url = element.url ?? '';
      const label = element.text?.trim() ?? '';
      return label === '' || label === url ? url : url === '' ? label : `${label} (${url})`;
    }
    case 'user':
      return element.user_id === undefined ? '' : `@${element.user_id}`;
    case 'usergroup':
      return element.usergroup_id === undefined ? '' : `@${element.usergroup_id}`;
    case 'channel':
      return element.channel_id === undefined ? '' : `#${element.channel_id}`;
    case 'broadcast':
      return element.range === undefined ? '' : `@${element.range}`;
    case 'emoji':
      return element.name === undefined ? '' : `:${element.name}:`;
    case 'date':
      return element.fallback ?? '';
    default:
      return element.text ?? '';
  }
}
