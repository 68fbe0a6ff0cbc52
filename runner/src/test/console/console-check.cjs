// Opens the console in headless Chromium (Debian's, driven by playwright-core) as a user would:
// waits until every service is listed healthy and the freshness chart has a line, runs a statement
// in the SQL box, then a bad one, and prints what the page showed as one JSON line.
// Usage: node console-check.cjs <console URL> <screenshot.png> <sql> <bad sql> <service>...
"use strict";
const { chromium } = require("playwright-core");

async function main() {
  const [url, screenshot, sql, badSql, ...services] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    // Root in a container or CI machine: Chromium's sandbox needs user namespaces it may not get.
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const consoleErrors = [];
    page.on("pageerror", e => consoleErrors.push(String(e)));
    page.on("requestfailed", r => consoleErrors.push("request failed: " + r.url()));
    await page.goto(url);
    const healthy = await page.waitForFunction(names => {
      const rows = [...document.querySelectorAll("#services tbody tr")];
      const states = Object.fromEntries(rows.map(r => [r.dataset.service, r.dataset.state]));
      const lines = document.querySelectorAll("#chart polyline").length;
      return names.every(n => states[n] === "healthy") && lines > 0 ? states : null;
    }, services, { timeout: 120000, polling: 500 }).then(h => h.jsonValue()).catch(async () => null);
    const shown = await page.$$eval("#services tbody tr", rows => rows.map(r => ({
      service: r.dataset.service, state: r.dataset.state, detail: r.title })));
    const tables = await page.$$eval("#tables tbody tr", rows => rows.map(r => r.dataset.table));
    const chartLines = await page.$$eval("#chart polyline", l => l.length);
    const snapshots = await page.$$eval("#snapshots tbody tr", rows => rows.map(r => ({
      table: r.dataset.table, state: r.dataset.state, text: r.children[1].textContent })));

    await page.fill("#sql", sql);
    await page.click("#run");
    await page.waitForFunction(() => document.querySelector("#result tbody tr") || document.querySelector("#error").textContent,
      null, { timeout: 60000 });
    const columns = await page.$$eval("#result thead th", c => c.map(x => x.textContent));
    const rows = await page.$$eval("#result tbody tr", rs => rs.map(r => [...r.children].map(c => c.textContent)));
    const error = await page.textContent("#error");
    await page.screenshot({ path: screenshot, fullPage: true });

    await page.fill("#sql", badSql);
    await page.click("#run");
    await page.waitForFunction(() => document.querySelector("#error").textContent, null, { timeout: 60000 });
    const badError = await page.textContent("#error");
    const afterBad = await page.$$eval("#result tbody tr", rs => rs.length);

    console.log(JSON.stringify({ allHealthy: healthy !== null, services: shown, tables, chartLines, snapshots, columns, rows, error,
      badError, afterBad, consoleErrors }));
  } finally {
    await browser.close();
  }
}

main().catch(e => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
