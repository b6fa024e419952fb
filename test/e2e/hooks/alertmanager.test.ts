import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../../support/api.js';
import { startAlertmanager, type Alertmanager, type PostableAlert } from '../../support/alertmanager.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { messageCount, openSse, type SseReader } from '../../support/sse.js';

/**
 * The receiver of docs/integrations.md, short waits aside: Slack's notifier, unchanged, pointed at a hook.
 * Go templates, not JavaScript ones: nothing below is interpolated but the URL.
 */
const alertmanagerConfig = (hookUrl: string) => `
global:
  resolve_timeout: 5s
route:
  receiver: parley
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: parley
    slack_configs:
      - api_url: '${hookUrl}'
        send_resolved: true
        title: '{{ template "slack.default.title" . }}'
        text: |-
          {{ range .Alerts }}{{ .Labels.severity }}: {{ .Annotations.summary }}
          {{ end }}
`;

const isNotifyLine = (line: string) => /msg="Notify|component=dispatcher/.test(line);
const notifySuccesses = (lines: readonly string[]) => lines.filter((line) => line.includes('msg="Notify success"'));

describe('Alertmanager notifying through a hook', () => {
  let server: ServerProcess | undefined;
  let alertmanager: Alertmanager | undefined;
  let oncall: TestUser;
  let stream: SseReader;

  beforeAll(async () => {
    server = await spawnServer(['--store', 'memory']);
    const owner = await register(server.url, 'monitoring');
    oncall = await register(server.url, 'oncall');
    const hook = await api(server.url, 'POST', '/hooks', {
      token: owner.token,
      json: { to: 'oncall', name: 'alertmanager' },
    });
    expect(hook.status).toBe(201);
    stream = await openSse(server.url + streamPath(oncall), { authorization: `Bearer ${oncall.token}` });
    alertmanager = await startAlertmanager(alertmanagerConfig(hook.body.url));
  });
  afterAll(async () => {
    stream?.close();
    // Both by their own process ids, whatever happened above.
    await Promise.allSettled([alertmanager?.stop(), server?.stop()]);
  });

  it('delivers the firing notification, then the resolved one, as messages to the hook target', async () => {
    const am = alertmanager!;
    const startsAt = new Date(Date.now() - 60_000);
    const alert = (endsAt: Date): PostableAlert => ({
      labels: { alertname: 'HighLatency', service: 'api', severity: 'critical' },
      annotations: { summary: 'p99 latency of api above 2 s for 5 minutes' },
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      generatorURL: 'http://prometheus.example.com/graph?g0.expr=latency',
    });

    await am.postAlerts([alert(new Date(Date.now() + 10 * 60_000))]);
    await stream.until(messageCount(1), 20_000);
    await am.until((lines) => notifySuccesses(lines).length >= 1);
    const firing = stream.messages()[0]!;
    expect(firing).toMatchObject({ from: 'monitoring', to: 'oncall', bot: true, displayName: 'Alertmanager' });
    expect(firing.text).toMatch(/^\[FIRING:1\] HighLatency\b/);
    expect(firing.text).toContain('critical: p99 latency of api above 2 s for 5 minutes');
    expect(firing.text).toContain(`(${am.url}/#/alerts?receiver=parley)`);

    // The same alert with an end in the past: resolved, and sent as such at the next group interval.
    await am.postAlerts([alert(new Date(Date.now() - 1_000))]);
    await stream.until(messageCount(2), 20_000);
    await am.until((lines) => notifySuccesses(lines).length >= 2);
    const resolved = stream.messages()[1]!;
    expect(resolved).toMatchObject({ from: 'monitoring', to: 'oncall', bot: true, displayName: 'Alertmanager' });
    expect(resolved.text).toMatch(/^\[RESOLVED\] HighLatency\b/);
    expect(resolved.text).toContain('critical: p99 latency of api above 2 s for 5 minutes');

    console.log(`Alertmanager's notify log lines:\n${am.lines.filter(isNotifyLine).join('\n')}`);
    console.log(
      `The messages as oncall's stream showed them:\n${stream.events
        .filter((e) => e.event === 'message')
        .map((e) => `id: ${e.id}\ndata: ${e.data}`)
        .join('\n\n')}`,
    );
    expect(am.lines.filter((line) => /Notify for alerts failed|Notify attempt failed|level=error/.test(line))).toEqual(
      [],
    );
    expect(stream.messages()).toHaveLength(2);
  });
});
