// Opens every lesson notebook in a running Jupyter Notebook 6 server, in
// headless Chromium, as a learner would on first open (no cell is run), and
// checks that the stored pictures show: each lesson must render at least one
// SVG in its outputs, and Notebook must call it trusted (an untrusted
// notebook shows its pictures as text).
//
//   node lessons_pictures.mjs URL TOKEN NOTEBOOK...
//
// URL is the server's base URL (http://127.0.0.1:PORT/). Exits 1 on the
// first failure, naming the notebook.
import { chromium } from "playwright-core";

const [base, token, ...notebooks] = process.argv.slice(2);
if (!base || !token || notebooks.length === 0) {
  console.error("usage: node lessons_pictures.mjs URL TOKEN NOTEBOOK...");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ], // Playwright gives every launch a fresh, temporary profile

});
let failed = false;
try {
  for (const nb of notebooks) {
    const page = await browser.newPage();
    const url = new URL(`notebooks/${encodeURIComponent(nb)}?token=${token}`, base).href;
    await page.goto(url, { waitUntil: "domcontentloaded", timeout: 120_000 });
    // Notebook 6 renders the stored outputs once the notebook is loaded.
    await page.waitForFunction(
      () => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded,
      null, { timeout: 120_000 });
    const result = await page.evaluate(() => ({
      trusted: Jupyter.notebook.trusted,
      svgs: document.querySelectorAll(".output_area svg, .output_area img[src^='data:image/svg']").length,
      outputs: document.querySelectorAll(".output_area").length,
      // a picture shown as text: an SVG's text/plain form without any SVG around
      textOnly: [...document.querySelectorAll(".output_text pre")].some((p) => p.textContent.startsWith("<svg")),
    }));
    const ok = result.trusted && result.svgs > 0 && !result.textOnly;
    console.log(`${ok ? "ok  " : "FAIL"} ${nb}: trusted=${result.trusted}, ${result.svgs} pictures in ${result.outputs} outputs`);
    if (!ok) failed = true;
    // Leave without saving, and without the "leave page?" dialog.
    page.on("dialog", (d) => d.accept());
    await page.close({ runBeforeUnload: false });
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
