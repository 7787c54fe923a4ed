// Runs a small notebook in a running Jupyter Notebook 6 server, in headless
// Chromium, as a learner would (Cell > Run All), and checks what the page
// shows:
//   - a panic inside a function declared in an earlier cell is one error
//     output whose traceback names the panicking line and the calling line
//     in cell coordinates ("in inner (cell 1, line 6)", "in cell 2, line 9");
//   - %grade's report keeps its colours: Notebook renders the grader's ANSI
//     codes as <span class="ansi-...">, and no raw escape shows as text;
//   - the cell whose try-out panicked is graded all the same.
// The expected cells and lines are computed from the notebook's own cells.
//
//   node learner_view.mjs URL TOKEN NOTEBOOK
//
// NOTEBOOK is a path relative to the server's notebook directory.
import { chromium } from "playwright-core";

const [base, token, nb] = process.argv.slice(2);
if (!base || !token || !nb) {
  console.error("usage: node learner_view.mjs URL TOKEN NOTEBOOK");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};
try {
  const page = await browser.newPage();
  page.on("dialog", (d) => d.accept());
  const url = new URL(`notebooks/${nb.split("/").map(encodeURIComponent).join("/")}?token=${token}`, base).href;
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: 120_000 });
  await page.waitForFunction(
    () => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded &&
      Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected(),
    null, { timeout: 120_000 });
  // One cell after the other, as a learner runs them (Run All would skip
  // the cells after the one that panics). A cell has its execution count
  // once the kernel ran it (%grade builds with the race detector: minutes
  // on a busy machine).
  const count = await page.evaluate(() => Jupyter.notebook.ncells());
  for (let i = 0; i < count; i++) {
    await page.evaluate((i) => Jupyter.notebook.get_cell(i).execute(), i);
    await page.waitForFunction(
      (i) => { const c = Jupyter.notebook.get_cell(i); return c.cell_type !== "code" || typeof c.input_prompt_number === "number"; },
      i, { timeout: 900_000, polling: 500 });
  }
  const cells = await page.evaluate(() => Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code").map((c) => {
    const area = c.element[0].querySelector(".output");
    return {
      n: c.input_prompt_number,
      source: c.get_text(),
      outputs: [...area.querySelectorAll(".output_area")].map((o) => ({
        error: !!o.querySelector(".output_error"),
        stream: !!o.querySelector(".output_stream"),
        text: o.innerText,
        ansiSpans: [...o.querySelectorAll("span[class*='ansi-']")].map((s) => ({ cls: s.className, text: s.textContent })),
        html: o.innerHTML,
      })),
    };
  }));
  const [decl, tryOut, grade] = cells;
  // Where the panic starts and where the call stands, from the cells' text.
  const lineOf = (src, needle) => src.split("\n").findIndex((l) => l.includes(needle)) + 1;
  const panicAt = `in inner (cell ${decl.n}, line ${lineOf(decl.source, "xs[i]")})`;
  const callAt = `in cell ${tryOut.n}, line ${lineOf(tryOut.source, "inner(")}`;
  const errors = tryOut.outputs.filter((o) => o.error);
  check(tryOut.outputs.length === 1 && errors.length === 1,
    `the panic is one error output (${tryOut.outputs.length} outputs, ${errors.length} errors)`);
  const errText = errors.map((o) => o.text).join("\n");
  check(errText.includes(panicAt), `the traceback names the panicking line: "${panicAt}"\n${errText}`);
  check(errText.includes(callAt), `the traceback names the calling line: "${callAt}"`);
  const gradeText = grade.outputs.map((o) => o.text).join("\n");
  const spans = grade.outputs.flatMap((o) => o.ansiSpans);
  check(/score: 2\/2/.test(gradeText), `%grade graded the cell whose try-out panicked (score 2/2)\n${gradeText}`);
  check(spans.some((s) => /ansi-green/.test(s.cls) && s.text.includes("2/2")),
    `%grade's score is a coloured span (${spans.length} ansi spans: ${[...new Set(spans.map((s) => s.cls))].join(", ")})`);
  check(!grade.outputs.some((o) => o.html.includes("\x1b") || /\[\d+m/.test(o.text)), "no raw escape shows as text");
  await page.close({ runBeforeUnload: false });
} finally {
  await browser.close();
}
process.exit(failures.length ? 1 : 0);
