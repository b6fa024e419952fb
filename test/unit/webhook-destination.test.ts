import type { LookupAddress } from 'node:dns';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatError } from '../../src/core/errors.js';
import {
  checkDestination,
  checkedLookup,
  type DestinationOptions,
  type ResolveAll,
} from '../../src/webhooks/destination.js';

const publicV4 = '93.184.216.34';
const publicV6 = '2606:2800:220:1:248:1893:25c8:1946';

/** A resolver that answers from a table and never touches the network; unknown names fail like ENOTFOUND. */
function resolver(table: Record<string, string[]>): ResolveAll & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (addresses === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

const names = resolver({
  'bot.example': [publicV4],
  'v6.bot.example': [publicV6],
  'dual.bot.example': [publicV4, publicV6],
  'internal.example': ['10.0.0.5'],
  'mixed.example': [publicV4, '192.168.1.10'],
  'mixed6.example': [publicV6, 'fd00::1'],
  localhost: ['127.0.0.1', '::1'],
  'metadata.example': ['169.254.169.254'],
  'empty.example': [],
});

const strict = { allowPrivate: false, lookup: names };

async function refusal(url: string, options: DestinationOptions = strict): Promise<ChatError> {
  const err = await checkDestination(url, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `${url} should be refused`).toBeInstanceOf(ChatError);
  expect((err as ChatError).code).toBe('bad_destination');
  return err as ChatError;
}

describe('checkDestination', () => {
  describe('accepts', () => {
    it.each([
      ['https://bot.example/hook', 'https://bot.example/hook'],
      ['http://bot.example:8080/a?b=c', 'http://bot.example:8080/a?b=c'],
      ['HTTPS://BOT.EXAMPLE/Hook', 'https://bot.example/Hook'],
      ['https://v6.bot.example/', 'https://v6.bot.example/'],
      ['https://dual.bot.example/', 'https://dual.bot.example/'],
      [`http://${publicV4}/hook`, `http://${publicV4}/hook`],
      [`http://[${publicV6}]/hook`, `http://[${publicV6}]/hook`],
      // The well-known NAT64 prefix in front of a public IPv4 address, as DNS64 answers on IPv6-only networks.
      ['http://[64:ff9b::5db8:d822]/', 'http://[64:ff9b::5db8:d822]/'],
    ])('%s, a public destination, returning it parsed', async (url, href) => {
      expect((await checkDestination(url, strict)).href).toBe(href);
    });

    it('a name only after resolving it with the given resolver', async () => {
      names.asked.length = 0;
      await checkDestination('https://bot.example/hook', strict);
      expect(names.asked).toEqual(['bot.example']);
    });

    it('private addresses and names when allowPrivate, without resolving', async () => {
      names.asked.length = 0;
      for (const url of [
        'http://127.0.0.1:3000/',
        'http://internal.example/',
        'http://[::1]/',
        'http://nowhere.invalid/',
      ])
        expect((await checkDestination(url, { allowPrivate: true, lookup: names })).href).toBe(new URL(url).href);
      expect(names.asked).toEqual([]);
    });
  });

  describe('refuses, whatever allowPrivate says,', () => {
    for (const allowPrivate of [false, true]) {
      const options = { allowPrivate, lookup: names };
      it.each([
        ['file:///etc/passwd', 'the webhook URL must use http: or https:, not file:'],
        ['ftp://bot.example/x', 'the webhook URL must use http: or https:, not ftp:'],
        ['gopher://bot.example:70/_x', 'the webhook URL must use http: or https:, not gopher:'],
        ['data:text/plain,hi', 'the webhook URL must use http: or https:, not data:'],
        ['javascript:alert(1)', 'the webhook URL must use http: or https:, not javascript:'],
        ['ws://bot.example/', 'the webhook URL must use http: or https:, not ws:'],
        ['https://user:pass@bot.example/', 'the webhook URL must not carry a user name or password'],
        ['https://user@bot.example/', 'the webhook URL must not carry a user name or password'],
        ['https://:pass@bot.example/', 'the webhook URL must not carry a user name or password'],
        ['not a url', 'the webhook URL is not an absolute URL'],
        ['/relative/path', 'the webhook URL is not an absolute URL'],
        ['http://', 'the webhook URL is not an absolute URL'],
        ['http://1.2.3.4.5/', 'the webhook URL is not an absolute URL'],
        ['http://[::1/', 'the webhook URL is not an absolute URL'],
        ['', 'the webhook URL is not an absolute URL'],
      ])(`%s (allowPrivate: ${allowPrivate})`, async (url, message) => {
        expect((await refusal(url, options)).message).toBe(message);
      });
    }
  });

  describe('refuses an address that is not public', () => {
    it.each([
      ['http://127.0.0.1/', '127.0.0.1, a loopback address'],
      ['http://127.255.255.254:8080/', '127.255.255.254, a loopback address'],
      ['http://[::1]/', '::1, a loopback address'],
      ['http://10.0.0.5/', '10.0.0.5, a private network address'],
      ['http://172.16.0.1/', '172.16.0.1, a private network address'],
      ['http://172.31.255.255/', '172.31.255.255, a private network address'],
      ['http://192.168.1.1/', '192.168.1.1, a private network address'],
      ['http://[fc00::1]/', 'fc00::1, a private network address (IPv6 unique local)'],
      ['http://[fd12:3456::1]/', 'fd12:3456::1, a private network address (IPv6 unique local)'],
      [
        'http://169.254.169.254/latest/meta-data/',
        '169.254.169.254, a link-local address, where cloud metadata services answer',
      ],
      ['http://[fe80::1]/', 'fe80::1, a link-local address, where cloud metadata services answer'],
      ['http://0.0.0.0/', '0.0.0.0, the unspecified address'],
      ['http://[::]/', '::, the unspecified address'],
      ['http://100.64.0.1/', '100.64.0.1, a carrier-grade NAT address (100.64.0.0/10)'],
      ['http://100.127.255.254/', '100.127.255.254, a carrier-grade NAT address (100.64.0.0/10)'],
      ['http://224.0.0.1/', '224.0.0.1, a multicast address'],
      ['http://[ff02::1]/', 'ff02::1, a multicast address'],
      ['http://255.255.255.255/', '255.255.255.255, the broadcast address'],
      ['http://240.0.0.1/', '240.0.0.1, a reserved or documentation address'],
      ['http://192.0.2.1/', '192.0.2.1, a reserved or documentation address'],
      ['http://198.51.100.7/', '198.51.100.7, a reserved or documentation address'],
      ['http://203.0.113.9/', '203.0.113.9, a reserved or documentation address'],
      ['http://[2001:db8::1]/', '2001:db8::1, a reserved or documentation address'],
      ['http://198.18.0.1/', '198.18.0.1, a reserved or documentation address'],
      ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1, a loopback address (IPv4 127.0.0.1 inside IPv6)'],
      ['http://[::ffff:10.0.0.5]/', '::ffff:a00:5, a private network address (IPv4 10.0.0.5 inside IPv6)'],
      [
        'http://[::ffff:169.254.169.254]/',
        '::ffff:a9fe:a9fe, a link-local address, where cloud metadata services answer (IPv4 169.254.169.254 inside IPv6)',
      ],
      ['http://[64:ff9b::127.0.0.1]/', '64:ff9b::7f00:1, a loopback address (IPv4 127.0.0.1 inside IPv6)'],
      ['http://[::127.0.0.1]/', '::7f00:1, an IPv6 address outside global unicast (2000::/3)'],
      ['http://[2002:7f00:1::]/', '2002:7f00:1::, a special-purpose address (6to4)'],
    ])('%s', async (url, reason) => {
      expect((await refusal(url)).message).toBe(
        `the webhook URL names ${reason}; webhooks go to public addresses only`,
      );
    });
  });

  // What WHATWG URL makes of numeric hosts that inet_aton or a browser would read as 127.0.0.1.
  describe('refuses loopback written as a number trick, which WHATWG URL normalises to 127.0.0.1', () => {
    it.each([
      ['http://2130706433/', 'http://127.0.0.1/'],
      ['http://0x7f000001/', 'http://127.0.0.1/'],
      ['http://127.1/', 'http://127.0.0.1/'],
      ['http://127.0.1/', 'http://127.0.0.1/'],
      ['http://0177.0.0.1/', 'http://127.0.0.1/'],
      ['http://0x7f.0.0.1/', 'http://127.0.0.1/'],
      ['http://127.0.0.1./', 'http://127.0.0.1/'],
      ['http://%31%32%37.0.0.1/', 'http://127.0.0.1/'],
      ['http://0/', 'http://0.0.0.0/'],
    ])('%s (WHATWG URL: %s)', async (url, normalised) => {
      expect(new URL(url).href).toBe(normalised);
      const host = new URL(normalised).hostname;
      expect((await refusal(url)).message).toMatch(
        new RegExp(`^the webhook URL names ${host.replaceAll('.', '\\.')}, `),
      );
    });

    it('does not ask the resolver about them', async () => {
      names.asked.length = 0;
      await refusal('http://2130706433/');
      expect(names.asked).toEqual([]);
    });
  });

  describe('refuses a name', () => {
    it.each([
      [
        'http://internal.example/',
        'host internal.example resolves to 10.0.0.5, a private network address; webhooks go to public addresses only',
      ],
      [
        'http://localhost:8080/',
        'host localhost resolves to 127.0.0.1, a loopback address; webhooks go to public addresses only',
      ],
      [
        'http://metadata.example/',
        'host metadata.example resolves to 169.254.169.254, a link-local address, where cloud metadata services answer; webhooks go to public addresses only',
      ],
      [
        'http://mixed.example/',
        'host mixed.example resolves to 192.168.1.10, a private network address; webhooks go to public addresses only',
      ],
      [
        'http://mixed6.example/',
        'host mixed6.example resolves to fd00::1, a private network address (IPv6 unique local); webhooks go to public addresses only',
      ],
      ['http://nowhere.invalid/', 'host nowhere.invalid does not resolve (ENOTFOUND)'],
      ['http://empty.example/', 'host empty.example resolves to no address'],
    ])('%s', async (url, detail) => {
      expect((await refusal(url)).message).toBe(`the webhook URL ${detail}`);
    });
  });

  it('resolves with node:dns when no resolver is given (localhost, from the hosts file)', async () => {
    expect((await refusal('http://localhost/', { allowPrivate: false })).message).toMatch(
      /^the webhook URL host localhost resolves to (127\.0\.0\.1|::1), a loopback address/,
    );
  });
});

describe('checkedLookup', () => {
  function lookupOnce(
    allowPrivate: boolean,
    hostname: string,
    options: { all?: boolean; family?: number },
  ): Promise<{ address: string | LookupAddress[]; family?: number }> {
    return new Promise((resolve, reject) =>
      checkedLookup({ allowPrivate, lookup: names })(hostname, options, (err, address, family) =>
        err ? reject(err) : resolve({ address, family }),
      ),
    );
  }

  it('answers the first address, or all of them, of a public name as node:dns lookup does', async () => {
    expect(await lookupOnce(false, 'dual.bot.example', {})).toEqual({ address: publicV4, family: 4 });
    expect(await lookupOnce(false, 'dual.bot.example', { family: 6 })).toEqual({ address: publicV6, family: 6 });
    expect(await lookupOnce(false, 'dual.bot.example', { all: true })).toEqual({
      address: [
        { address: publicV4, family: 4 },
        { address: publicV6, family: 6 },
      ],
      family: undefined,
    });
  });

  it('fails with bad_destination when a name resolves to a private address', async () => {
    await expect(lookupOnce(false, 'mixed.example', { all: true })).rejects.toMatchObject({
      code: 'bad_destination',
      message: expect.stringContaining('resolves to 192.168.1.10, a private network address'),
    });
  });

  it('fails as node:dns does when the name has no address of the family asked for, or none at all', async () => {
    await expect(lookupOnce(false, 'bot.example', { family: 6 })).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(lookupOnce(true, 'empty.example', {})).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it("passes the resolver's own failure on, for delivery to retry", async () => {
    await expect(lookupOnce(false, 'nowhere.invalid', {})).rejects.toMatchObject({
      code: 'ENOTFOUND',
      message: 'getaddrinfo ENOTFOUND nowhere.invalid',
    });
  });

  it('answers private addresses when allowPrivate', async () => {
    expect(await lookupOnce(true, 'internal.example', {})).toEqual({ address: '10.0.0.5', family: 4 });
  });

  describe('as the lookup of a real http.request to a server on 127.0.0.1', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((_req, res) => res.end('delivered'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))));

    // A name that resolves to the server's address, as a rebinding attacker's would at connection time.
    const rebound = resolver({ 'bot.example': ['127.0.0.1'] });

    function get(url: string, allowPrivate: boolean): Promise<string> {
      return new Promise((resolve, reject) => {
        const req = request(url, { lookup: checkedLookup({ allowPrivate, lookup: rebound }) }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(text));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
    }

    it('refuses to connect without allowPrivate', async () => {
      let connections = 0;
      const count = () => connections++;
      server.on('connection', count);
      await expect(get(`http://bot.example:${port}/`, false)).rejects.toMatchObject({
        code: 'bad_destination',
        message:
          'the webhook URL host bot.example resolves to 127.0.0.1, a loopback address; webhooks go to public addresses only',
      });
      expect(connections).toBe(0);
      server.off('connection', count);
    });

    it('connects with allowPrivate', async () => {
      expect(await get(`http://bot.example:${port}/`, true)).toBe('delivered');
    });

    // Why checkDestination must run before each attempt too: a literal address never reaches the lookup.
    it('is not consulted for a literal address, which checkDestination refuses instead', async () => {
      expect(await get(`http://127.0.0.1:${port}/`, false)).toBe('delivered');
      expect((await refusal(`http://127.0.0.1:${port}/`)).message).toMatch(/names 127\.0\.0\.1, a loopback address/);
    });
  });
});
