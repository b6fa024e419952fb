import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ChatError } from '../../src/core/errors.js';
import { parseSlackBody, renderSlackPayload } from '../../src/core/hooks/slack-payload.js';

const fixture = (name: string) => readFileSync(new URL(`fixtures/slack/${name}`, import.meta.url), 'utf8');
const json = 'application/json';

/** Renders a payload the way a request carrying it as JSON would. */
function render(payload: unknown, maxLength?: number) {
  return renderSlackPayload(parseSlackBody(json, JSON.stringify(payload)), maxLength);
}

function refusal(act: () => unknown): { code: string; field: string | undefined } {
  try {
    act();
  } catch (err) {
    if (err instanceof ChatError) return { code: err.code, field: err.field };
    throw err;
  }
  throw new Error('expected a ChatError');
}

describe('renderSlackPayload on what real senders post', () => {
  it("renders Alertmanager's firing notification, which has no top-level text, from its attachment", () => {
    expect(renderSlackPayload(parseSlackBody(json, fixture('alertmanager-firing.json')))).toEqual({
      displayName: 'Alertmanager',
      text: [
        '[FIRING:2] HighRequestLatency (api critical prod) (https://alertmanager.example.com/#/alerts?receiver=slack-ops)',
        '*Alert:* Request latency above 500ms - `critical`',
        '*Description:* 99th percentile latency of api on web-1:9090 is 742ms.',
        '*Details:*',
        '  • instance: web-1:9090',
        '  • job: api',
        '',
        '*Alert:* Request latency above 500ms - `critical`',
        '*Description:* 99th percentile latency of api on web-2:9090 is 615ms.',
        '*Details:*',
        '  • instance: web-2:9090',
        '  • job: api',
        '',
        ':chart_with_upwards_trend: Graph (https://prometheus.example.com/graph?g0.expr=histogram_quantile%280.99%2C+rate%28http_request_duration_seconds_bucket%5B5m%5D%29%29+%3E+0.5&g0.tab=1) | Runbook (https://runbooks.example.com/api/latency)',
      ].join('\n'),
    });
  });

  it("renders Alertmanager's default resolved notification (empty text and footer) as its linked title", () => {
    expect(renderSlackPayload(parseSlackBody(json, fixture('alertmanager-resolved.json')))).toEqual({
      displayName: 'Alertmanager',
      iconUrl: 'https://avatars3.githubusercontent.com/u/3380462',
      text: '[RESOLVED] HighRequestLatency (api critical prod) (https://alertmanager.example.com/#/alerts?receiver=slack-ops)',
    });
  });

  it("renders Grafana's contact point: the channel mention as text, then the alert and its footer", () => {
    expect(renderSlackPayload(parseSlackBody(json, fixture('grafana-firing.json')))).toEqual({
      displayName: 'Grafana',
      text: [
        '@here',
        '',
        '[FIRING:1] HighCPU Infra (web-1) (https://grafana.example.com/alerting/grafana/cdx1/view?orgId=1)',
        '**Firing**',
        '',
        'Value: B=97.3, C=1',
        'Labels:',
        ' - alertname = HighCPU',
        ' - grafana_folder = Infra',
        ' - instance = web-1',
        'Annotations:',
        ' - summary = CPU above 90% on web-1',
        'Source: https://grafana.example.com/alerting/grafana/cdx1/view?orgId=1',
        'Silence: https://grafana.example.com/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DHighCPU&matcher=grafana_folder%3DInfra&matcher=instance%3Dweb-1&orgId=1',
        'Dashboard: https://grafana.example.com/d/host01?orgId=1',
        'Panel: https://grafana.example.com/d/host01?orgId=1&viewPanel=4',
        'Grafana v11.3.0',
      ].join('\n'),
    });
  });

  it('renders a Block Kit message from a CI step, leaving out its buttons and its notification text', () => {
    expect(renderSlackPayload(parseSlackBody(json, fixture('github-actions-blocks.json')))).toEqual({
      text: [
        'Deploy succeeded :rocket:',
        '*parley #312 (https://github.com/acme/parley/actions/runs/12345678901)* deployed `1.4.2` to *production*',
        '*Commit:* 9f3c2e1 (https://github.com/acme/parley/commit/9f3c2e1)',
        '*Author:* alice',
        '*Duration:* 3m 12s',
        '*Environment:* production',
        '———',
        'Changes:',
        '• Hooks accept Slack payloads',
        '• Fix the reconnect loop, #88 (https://github.com/acme/parley/pull/88)',
        'Triggered by @U024BE7LH on push to `main`',
      ].join('\n'),
    });
  });

  it('renders a form-encoded payload field as a CI server posts it', () => {
    const payload = parseSlackBody('application/x-www-form-urlencoded', fixture('jenkins-form.txt'));
    expect(renderSlackPayload(payload)).toEqual({
      displayName: 'jenkins',
      iconEmoji: ':robot_face:',
      text: [
        'Build #512 (https://ci.example.com/job/parley/512/) of parley *failed* & was rolled back @channel',
        '',
        'Jenkins',
        'Branch: main',
        'Stage: integration tests',
        'ci.example.com',
      ].join('\n'),
    });
  });
});

describe('parseSlackBody', () => {
  it('reads JSON with or without a charset, and a form whose payload field holds the JSON', () => {
    const body = JSON.stringify({ text: 'hi' });
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8'])
      expect(parseSlackBody(type, body).text).toBe('hi');
    const form = new URLSearchParams({ payload: body, other: 'x' }).toString();
    expect(parseSlackBody('application/x-www-form-urlencoded; charset=utf-8', form).text).toBe('hi');
    expect(parseSlackBody(json, `\uFEFF${body}`).text).toBe('hi');
  });

  it('refuses a body that is not JSON with invalid_payload', () => {
    expect(refusal(() => parseSlackBody(json, '{"text": '))).toEqual({ code: 'invalid_payload', field: 'body' });
    expect(refusal(() => parseSlackBody('application/x-www-form-urlencoded', 'payload=hello'))).toEqual({
      code: 'invalid_payload',
      field: 'body',
    });
  });

  it('refuses JSON that is not an object: an array, a string, a number, null', () => {
    for (const body of ['[{"text":"hi"}]', '"hi"', '42', 'null'])
      expect(
        refusal(() => parseSlackBody(json, body)),
        body,
      ).toEqual({ code: 'invalid_payload', field: 'body' });
  });

  it('refuses a form without a payload field', () => {
    expect(refusal(() => parseSlackBody('application/x-www-form-urlencoded', 'text=hi'))).toEqual({
      code: 'invalid_payload',
      field: 'body.payload',
    });
  });

  it('refuses an unknown or missing content type as unsupported_media_type', () => {
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', undefined, ''])
      expect(
        refusal(() => parseSlackBody(type, '{"text":"hi"}')),
        String(type),
      ).toEqual({
        code: 'unsupported_media_type',
        field: 'header.content-type',
      });
  });

  it('ignores unknown fields and drops optional fields of the wrong type instead of refusing', () => {
    const payload = parseSlackBody(
      json,
      JSON.stringify({
        text: 'hi',
        unfurl_links: false,
        username: 7,
        icon_url: ['x'],
        attachments: [null, 'text', { text: 5, title: 'kept', fields: 'none' }, { fields: [{ title: 'n', value: 3 }] }],
        blocks: { type: 'section' },
      }),
    );
    expect(payload.username).toBeUndefined();
    expect(payload.blocks).toEqual([]);
    expect(renderSlackPayload(payload).text).toBe('hi\n\nkept\n\nn: 3');
  });
});

describe('renderSlackPayload: top-level text', () => {
  it('renders the text alone', () => {
    expect(render({ text: 'Deploy done' })).toEqual({ text: 'Deploy done' });
  });

  it('shows the text above the attachments', () => {
    expect(render({ text: 'Build failed', attachments: [{ title: 'main' }] }).text).toBe('Build failed\n\nmain');
  });

  it('leaves the text out when blocks render, as Slack keeps it for notifications then', () => {
    expect(
      render({ text: 'fallback', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Shown' } }] }).text,
    ).toBe('Shown');
  });

  it('shows the text when the blocks render nothing (buttons only)', () => {
    expect(render({ text: 'Approve?', blocks: [{ type: 'actions', elements: [{ type: 'button' }] }] }).text).toBe(
      'Approve?',
    );
  });
});

describe('renderSlackPayload: legacy attachments', () => {
  it('renders pretext, author, linked title, text, fields and footer in that order, one per line', () => {
    const attachment = {
      fallback: 'never shown',
      color: '#36a64f',
      pretext: 'Optional pretext',
      author_name: 'Bobby Tables',
      author_link: 'https://example.com/bobby',
      title: 'Slack API Documentation',
      title_link: 'https://api.slack.com/',
      text: 'Optional text',
      fields: [
        { title: 'Priority', value: 'High', short: false },
        { title: 'Only a title' },
        { value: 'Only a value' },
      ],
      image_url: 'https://example.com/image.png',
      footer: 'Slack API',
      ts: 123456789,
    };
    expect(render({ attachments: [attachment] }).text).toBe(
      [
        'Optional pretext',
        'Bobby Tables',
        'Slack API Documentation (https://api.slack.com/)',
        'Optional text',
        'Priority: High',
        'Only a title',
        'Only a value',
        'Slack API',
      ].join('\n'),
    );
  });

  it('shows a title without a link as it is, and ignores a link without a title', () => {
    expect(render({ attachments: [{ title: 'Plain' }, { title_link: 'https://x.io', text: 'body' }] }).text).toBe(
      'Plain\n\nbody',
    );
  });

  it('falls back to the fallback only for an attachment that shows nothing else', () => {
    expect(
      render({
        attachments: [
          { fallback: 'Required plain-text summary', color: 'danger', image_url: 'https://x.io/i.png' },
          { fallback: 'unused', text: 'has text' },
        ],
      }).text,
    ).toBe('Required plain-text summary\n\nhas text');
  });

  it('renders the blocks inside an attachment after its fields', () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'in a block' } }];
    expect(render({ attachments: [{ color: 'good', fallback: 'fb', blocks }] }).text).toBe('in a block');
    expect(render({ attachments: [{ title: 'T', blocks }] }).text).toBe('T\nin a block');
  });

  it('unescapes and unlinks markup in every attachment field', () => {
    const attachment = {
      pretext: '<!channel> heads up',
      title: 'a &amp; b',
      fields: [{ title: '&lt;host&gt;', value: '<https://h.io|h>' }],
      footer: '<https://ci.io|CI>',
    };
    expect(render({ attachments: [attachment] }).text).toBe(
      '@channel heads up\na & b\n<host>: h (https://h.io)\nCI (https://ci.io)',
    );
  });
});

describe('renderSlackPayload: blocks', () => {
  it('renders a header, a section with text and fields, a divider and a context', () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Header & <stuff>' } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: 'A &amp; B' },
        fields: [
          { type: 'mrkdwn', text: '*Type:*\nPaid' },
          { type: 'plain_text', text: 'When: today' },
        ],
        accessory: { type: 'button', text: { type: 'plain_text', text: 'Click' }, url: 'https://x.io' },
      },
      { type: 'divider' },
      {
        type: 'context',
        elements: [
          { type: 'image', image_url: 'https://x.io/a.png', alt_text: 'avatar' },
          { type: 'mrkdwn', text: 'By <@U1>' },
          { type: 'plain_text', text: 'at noon' },
        ],
      },
    ];
    expect(render({ blocks }).text).toBe(
      ['Header & <stuff>', 'A & B', '*Type:* Paid', 'When: today', '———', 'By @U1 at noon'].join('\n'),
    );
  });

  it('takes plain_text literally and mrkdwn as markup', () => {
    const blocks = [
      { type: 'section', text: { type: 'plain_text', text: '&lt;b&gt; <https://x.io|x>' } },
      { type: 'section', text: { type: 'mrkdwn', text: '&lt;b&gt; <https://x.io|x>' } },
    ];
    expect(render({ blocks }).text).toBe('&lt;b&gt; <https://x.io|x>\n<b> x (https://x.io)');
  });

  it('ignores actions and input blocks and says at most the alt text of an image', () => {
    const blocks = [
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Approve' }, value: 'ok' }] },
      { type: 'input', label: { type: 'plain_text', text: 'Reason' }, element: { type: 'plain_text_input' } },
      { type: 'image', image_url: 'https://x.io/chart.png', alt_text: 'CPU chart' },
      { type: 'file', external_id: 'x', source: 'remote' },
    ];
    expect(render({ blocks }).text).toBe('CPU chart');
  });

  it('renders simple rich text: sections, lists, quotes, preformatted runs, links, mentions and emoji', () => {
    const section = (...elements: object[]) => ({ type: 'rich_text_section', elements });
    const blocks = [
      {
        type: 'rich_text',
        elements: [
          section(
            { type: 'text', text: 'Hello ', style: { bold: true } },
            { type: 'user', user_id: 'U1' },
            { type: 'text', text: ' in ' },
            { type: 'channel', channel_id: 'C1' },
            { type: 'text', text: ' ' },
            { type: 'emoji', name: 'wave' },
            { type: 'text', text: ' ' },
            { type: 'broadcast', range: 'here' },
            { type: 'text', text: ' ' },
            { type: 'link', url: 'https://x.io' },
            { type: 'text', text: ' ' },
            { type: 'link', url: 'https://y.io', text: 'why' },
            { type: 'text', text: ' ' },
            { type: 'date', timestamp: 1, format: '{date}', fallback: 'Jan 1' },
            { type: 'text', text: '\n' },
          ),
          {
            type: 'rich_text_list',
            style: 'ordered',
            elements: [section({ type: 'text', text: 'one' }), section({ type: 'text', text: 'two' })],
          },
          { type: 'rich_text_list', style: 'bullet', indent: 1, elements: [section({ type: 'text', text: 'nested' })] },
          { type: 'rich_text_quote', elements: [{ type: 'text', text: 'quoted\nlines' }] },
          { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'npm  test' }] },
        ],
      },
    ];
    expect(render({ blocks }).text).toBe(
      [
        'Hello @U1 in #C1 :wave: @here https://x.io why (https://y.io) Jan 1',
        '1. one',
        '2. two',
        '  • nested',
        '> quoted',
        '> lines',
        'npm  test',
      ].join('\n'),
    );
  });
});

describe('renderSlackPayload: inline markup', () => {
  const text = (input: string) => render({ text: input }).text;

  it('turns labelled links into "label (url)" and bare links into the url', () => {
    expect(text('See <https://x.io/a?b=1&amp;c=2|the docs> or <https://y.io>')).toBe(
      'See the docs (https://x.io/a?b=1&c=2) or https://y.io',
    );
    expect(text('<https://y.io|https://y.io>')).toBe('https://y.io');
  });

  it('treats mailto links likewise', () => {
    expect(text('Mail <mailto:ops@example.com|ops> or <mailto:ops@example.com>')).toBe(
      'Mail ops (mailto:ops@example.com) or mailto:ops@example.com',
    );
  });

  it('spells out @here, @channel and @everyone, with or without a label', () => {
    expect(text('<!here> <!channel> <!everyone> <!here|here> <!channel|@channel>')).toBe(
      '@here @channel @everyone @here @channel',
    );
  });

  it('spells out user, channel and user-group mentions and dates', () => {
    expect(text('<@U123> <@U456|bob> <#C123|general> <#C789> <!subteam^S1|@oncall> <!subteam^S2>')).toBe(
      '@U123 @bob #general #C789 @oncall @S2',
    );
    expect(text('Posted <!date^1392734382^{date_num}|2014-02-18>')).toBe('Posted 2014-02-18');
  });

  it('unescapes &lt; &gt; &amp; once, without reading the result as markup', () => {
    expect(text('1 &lt; 2 &amp;&amp; 3 &gt; 2; &lt;https://x.io|no link&gt; &amp;lt;')).toBe(
      '1 < 2 && 3 > 2; <https://x.io|no link> &lt;',
    );
  });

  it('leaves emphasis, code and angle brackets that are no markup as they are', () => {
    expect(text('*bold* _italic_ ~strike~ `code` ```block``` if a <b and c> d')).toBe(
      '*bold* _italic_ ~strike~ `code` ```block``` if a <b and c> d',
    );
  });
});

describe('renderSlackPayload: sender and cleanup', () => {
  it('returns username and icon apart from the text', () => {
    expect(render({ text: 'x', username: '  Deploy\nBot ', icon_url: 'https://x.io/bot.png' })).toEqual({
      text: 'x',
      displayName: 'Deploy Bot',
      iconUrl: 'https://x.io/bot.png',
    });
    expect(render({ text: 'x', icon_emoji: ':ghost:' })).toEqual({ text: 'x', iconEmoji: ':ghost:' });
    expect(render({ text: 'x', username: `${'n'.repeat(79)}🚀🚀` }).displayName).toBe(`${'n'.repeat(79)}🚀`);
  });

  it('drops icons that are no http(s) URL or emoji name, and blank names', () => {
    expect(render({ text: 'x', username: ' ', icon_url: 'javascript:alert(1)', icon_emoji: 'ghost' })).toEqual({
      text: 'x',
    });
  });

  it('removes control characters but tab and newline, and makes CRLF and CR newlines', () => {
    expect(render({ text: 'a\u0000b\u0007c\u001Bd\u007Fe\u0085f\tg\r\nh\ri' }).text).toBe('abcdef\tg\nh\ni');
  });

  it('removes lone surrogates and keeps pairs', () => {
    expect(render({ text: 'x\uD800y 🚀' }).text).toBe('xy 🚀');
  });

  it('trims line ends, collapses runs of more than two blank lines and drops blank edges', () => {
    expect(render({ text: '\n\n  \nfirst   \n\n\n\n\n\nsecond\t\n\n\nthird\n\n' }).text).toBe(
      'first\n\n\nsecond\n\n\nthird',
    );
  });

  it('cuts a longer render at maxLength with an ellipsis', () => {
    const long = 'word '.repeat(1000);
    const { text } = render({ text: long });
    expect(text).toHaveLength(4000);
    expect(text.endsWith('word…')).toBe(true);
    expect(render({ text: 'abcdefghij' }, 5).text).toBe('abcd…');
    expect(render({ text: 'abcdefghij' }, 10).text).toBe('abcdefghij');
    expect(render({ text: 'abc de' }, 5).text).toBe('abc…');
  });

  it('never cuts between the halves of a surrogate pair', () => {
    expect(render({ text: 'abc🚀def' }, 5).text).toBe('abc…');
  });
});

describe('renderSlackPayload: nothing to render', () => {
  it('refuses with no_text when nothing at all renders', () => {
    for (const payload of [
      {},
      { text: '' },
      { text: '  \n\u0000 ' },
      { attachments: [] },
      { attachments: [{ color: 'good', text: '', fallback: '' }] },
      { blocks: [], attachments: [{ footer: '   ' }] },
      { blocks: [{ type: 'actions', elements: [] }] },
      { text: '<!date^1^{date}>' },
    ])
      expect(
        refusal(() => render(payload)),
        JSON.stringify(payload),
      ).toEqual({ code: 'no_text', field: 'body' });
  });

  it('renders an empty text with a rendering attachment, as Alertmanager sends it', () => {
    expect(render({ text: '', attachments: [{ title: 'up' }] }).text).toBe('up');
  });
});
