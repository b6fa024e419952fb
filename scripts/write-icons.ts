// Draws the page's app icons (clients/web/icon-192.png and icon-512.png, named in manifest.webmanifest) from
// clients/web/favicon.svg with the system's Chromium, as the browser tests run it. A notification's icon and an
// installed app's need pixels: browsers take no SVG there.
//
//   npx tsx scripts/write-icons.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from '../test/support/browser.js';
import { repoRoot } from '../test/support/process.js';

const web = join(repoRoot, 'clients/web');
const svg = readFileSync(join(web, 'favicon.svg')).toString('base64');
const browser = await launchBrowser();
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<body style="margin:0"><img src="data:image/svg+xml;base64,${svg}" width="${size}" height="${size}"></body>`,
    );
    await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
    await page.screenshot({ path: join(web, `icon-${size}.png`), omitBackground: true });
    await page.close();
  }
  console.log('wrote clients/web/icon-192.png and icon-512.png');
} finally {
  await browser.close();
}
