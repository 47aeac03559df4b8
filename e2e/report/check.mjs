// Prints each half-year report page given in headless Chromium and fails when a table is
// wider than the printable width of its page: A4 portrait (190 mm = 718 CSS px) or, for a
// section marked landscape, A4 landscape (269 mm = 1017 px). With --pdf DIR it also prints
// each page to DIR/<name>.pdf (A4, the page's own @page rules) for the screenshots.
//   node check.mjs [--pdf DIR] report.html...
import { chromium } from 'playwright-core';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const PORTRAIT = 718;
const LANDSCAPE = 1017;

const args = process.argv.slice(2);
let pdfDir = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--pdf') pdfDir = args[++i];
  else files.push(args[i]);
}
if (files.length === 0) {
  console.error('usage: node check.mjs [--pdf DIR] report.html...');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
let failures = 0;
try {
  for (const file of files) {
    const url = pathToFileURL(path.resolve(file)).href;
    for (const [width, wide] of [[PORTRAIT, false], [LANDSCAPE, true]]) {
      const page = await browser.newPage({ viewport: { width, height: 1000 } });
      await page.emulateMedia({ media: 'print' });
      await page.goto(url);
      const tables = await page.evaluate((wide) => {
        return [...document.querySelectorAll('table')]
          .filter((t) => !!t.closest('section.wide') === wide)
          .map((t) => {
            const section = t.closest('section');
            const heading = section?.querySelector('h2')?.textContent ?? '(first page)';
            return { heading, width: Math.ceil(t.getBoundingClientRect().width), scroll: t.scrollWidth };
          });
      }, wide);
      for (const t of tables) {
        const widest = Math.max(t.width, t.scroll);
        if (widest > width) {
          failures++;
          console.error(`${file}: table in "${t.heading}" is ${widest}px wide, printable ${width}px`);
        }
      }
      console.log(`${path.basename(file)}: ${tables.length} ${wide ? 'landscape' : 'portrait'} tables within ${width}px`);
      if (pdfDir && !wide) {
        const out = path.join(pdfDir, path.basename(file).replace(/\.html$/, '.pdf'));
        await page.pdf({ path: out, preferCSSPageSize: true, printBackground: true });
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
}
if (failures > 0) {
  console.error(`${failures} table(s) wider than the printable area`);
  process.exit(1);
}
