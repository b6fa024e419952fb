// Log in as two users, send a message, receive it. Run: npx tsx clients/ts/example.ts [server URL]
import { join, streamMessages } from './index.js';

const baseUrl = process.argv[2] ?? 'http://127.0.0.1:8080';

const alice = await join(baseUrl, 'alice', 'alice-secret-1');
const bob = await join(baseUrl, 'bob', 'bob-secret-1');

const inbox = streamMessages({ baseUrl, username: 'bob', token: bob.session.token });
await inbox.opened;

const { data: sent } = await alice.client.POST('/messages', {
  body: { to: 'bob', text: 'hello from the typed client' },
});
console.log(`alice sent message ${sent?.id} to ${sent?.to}`);

for await (const msgform of inbox) {
  if (msgform.id !== sent?.id) continue;
  console.log(`bob received from ${msgform.from}: ${msgform.text}`);
  break;
}
inbox.close();
