// JupyterLab's own kernel client against the gopherlab kernel.
//
// @jupyterlab/services 6 (the client of JupyterLab 3, which speaks to
// jupyter_server 1.x) opens a session on a running `jupyter server` and talks
// to the kernel as JupyterLab does. Every output JupyterLab would render is
// turned into an nbformat output exactly as JupyterLab's OutputArea does it
// ({...content, output_type: msg_type}), checked with @jupyterlab/nbformat's
// own guards and validateMimeValue, and loaded into @jupyterlab/rendermime's
// OutputModel, which must give it back unchanged.
//
// run.sh starts the server and sets JUPYTER_TEST_URL and JUPYTER_TEST_TOKEN:
//
//   node --import ./register.mjs --test lab_client_test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const services = require('@jupyterlab/services');
const nbformat = require('@jupyterlab/nbformat');
const WebSocket = require('ws');
const { OutputModel } = await import('@jupyterlab/rendermime/lib/outputmodel.js');

const { ServerConnection, KernelManager, SessionManager } = services;

const baseUrl = process.env.JUPYTER_TEST_URL;
const token = process.env.JUPYTER_TEST_TOKEN;
if (!baseUrl || !token) {
  throw new Error('lab_client_test: set JUPYTER_TEST_URL and JUPYTER_TEST_TOKEN (run.sh does)');
}
const serverSettings = ServerConnection.makeSettings({
  baseUrl,
  wsUrl: baseUrl.replace(/^http/, 'ws'),
  token,
  appendToken: true,
  WebSocket,
});

// A cell may take a while on a busy machine (the first one starts the
// interpreter); the limit only stops a hung test.
const cellLimitMs = 120_000;

let kernelManager;
let sessionManager;
let session;
let kernel;

// labOutput is what JupyterLab's OutputArea adds to its model for one IOPub
// message, or null for messages it does not render.
function labOutput(msg) {
  const type = msg.header.msg_type;
  switch (type) {
    case 'execute_result':
    case 'display_data':
    case 'stream':
    case 'error':
      return { ...msg.content, output_type: type };
    case 'update_display_data':
      return { ...msg.content, output_type: 'display_data' };
    default:
      return null;
  }
}

// checkLabShape asserts that JupyterLab's output model accepts the output.
function checkLabShape(output) {
  const where = JSON.stringify(output).slice(0, 300);
  switch (output.output_type) {
    case 'stream':
      assert.ok(nbformat.isStream(output), where);
      assert.ok(output.name === 'stdout' || output.name === 'stderr', `stream name: ${where}`);
      assert.equal(typeof output.text, 'string', `stream text: ${where}`);
      break;
    case 'error':
      assert.ok(nbformat.isError(output), where);
      assert.equal(typeof output.ename, 'string', where);
      assert.equal(typeof output.evalue, 'string', where);
      assert.ok(Array.isArray(output.traceback), `traceback: ${where}`);
      for (const line of output.traceback) {
        assert.equal(typeof line, 'string', `traceback line: ${where}`);
      }
      break;
    case 'execute_result':
    case 'display_data':
      assert.ok(
        output.output_type === 'execute_result' ? nbformat.isExecuteResult(output) : nbformat.isDisplayData(output),
        where,
      );
      assert.equal(typeof output.data, 'object', `data: ${where}`);
      assert.ok(Object.keys(output.data).length > 0, `empty bundle: ${where}`);
      for (const [mime, value] of Object.entries(output.data)) {
        assert.ok(nbformat.validateMimeValue(mime, value), `${mime} is not a valid mime value: ${where}`);
      }
      assert.equal(typeof (output.metadata ?? {}), 'object', `metadata: ${where}`);
      if (output.output_type === 'execute_result') {
        assert.ok(Number.isInteger(output.execution_count), `execution_count: ${where}`);
      }
      break;
    default:
      assert.fail(`unknown output type ${output.output_type}`);
  }
  // OutputModel is what every rendered output becomes in JupyterLab.
  const model = new OutputModel({ value: output, trusted: false });
  assert.equal(model.type, output.output_type);
  const back = model.toJSON();
  for (const key of ['data', 'text', 'name', 'ename', 'evalue', 'traceback', 'execution_count']) {
    if (key in output) {
      // (OutputModel's objects have a null prototype: compare as JSON.)
      assert.deepEqual(JSON.parse(JSON.stringify(back[key])), output[key], `OutputModel changed ${key}: ${where}`);
    }
  }
  model.dispose();
}

// run executes code as JupyterLab does, collects every IOPub message of the
// request, checks the shape of each rendered output, and answers stdin
// requests with stdinAnswer (a function of the input_request message).
async function run(code, { stdinAnswer, onMessage } = {}) {
  const future = kernel.requestExecute({ code, stop_on_error: true, allow_stdin: !!stdinAnswer });
  const messages = [];
  const outputs = [];
  const stdinRequests = [];
  const shapeErrors = []; // the client swallows exceptions thrown by handlers
  future.onIOPub = (msg) => {
    messages.push(msg);
    const out = labOutput(msg);
    if (out) {
      try {
        checkLabShape(out);
      } catch (err) {
        shapeErrors.push(err);
      }
      outputs.push({ msg, out });
    }
    onMessage?.(msg);
  };
  if (stdinAnswer) {
    future.onStdin = (msg) => {
      stdinRequests.push(msg);
      kernel.sendInputReply({ status: 'ok', value: stdinAnswer(msg) });
    };
  }
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cell did not finish in ${cellLimitMs} ms:\n${code}`)), cellLimitMs);
  });
  try {
    const reply = await Promise.race([future.done, limit]);
    if (shapeErrors.length > 0) {
      throw shapeErrors[0];
    }
    return { reply: reply.content, messages, outputs, stdinRequests };
  } finally {
    clearTimeout(timer);
  }
}

function streamText(outputs, name = 'stdout') {
  return outputs
    .filter(({ out }) => out.output_type === 'stream' && out.name === name)
    .map(({ out }) => out.text)
    .join('');
}

// waitFor polls cond until it holds (no fixed sleeps: the machine is busy).
async function waitFor(what, cond, limitMs = 60_000) {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > limitMs) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('JupyterLab 3 client (@jupyterlab/services 6) on jupyter_server', () => {
  before(async () => {
    kernelManager = new KernelManager({ serverSettings });
    sessionManager = new SessionManager({ kernelManager, serverSettings });
    await sessionManager.ready;
    session = await sessionManager.startNew({
      path: 'lab-client.ipynb',
      name: 'lab-client.ipynb',
      type: 'notebook',
      kernel: { name: 'gopherlab' },
    });
    kernel = session.kernel;
    assert.ok(kernel, 'the session has no kernel');
    const info = await kernel.info;
    assert.equal(info.language_info.name, 'go');
  });

  after(async () => {
    if (session) {
      await session.shutdown();
      session.dispose();
    }
    sessionManager?.dispose();
    kernelManager?.dispose();
  });

  test('the session is listed by the REST API with the gopherlab kernel', async () => {
    const running = await services.SessionAPI.listRunning(serverSettings);
    const mine = running.find((s) => s.id === session.id);
    assert.ok(mine, 'session not listed');
    assert.equal(mine.kernel.name, 'gopherlab');
    assert.equal(mine.path, 'lab-client.ipynb');
  });

  test('stream: stdout and stderr', async () => {
    const { reply, outputs } = await run('import (\n\t"fmt"\n\t"os"\n)\nfmt.Println("hello, lab")\nfmt.Fprintln(os.Stderr, "to stderr")');
    assert.equal(reply.status, 'ok');
    assert.equal(streamText(outputs, 'stdout'), 'hello, lab\n');
    assert.equal(streamText(outputs, 'stderr'), 'to stderr\n');
  });

  test('execute_result: the value of the last expression, with its execution count', async () => {
    const { reply, outputs } = await run('answer := 6 * 7\nanswer');
    assert.equal(reply.status, 'ok');
    const results = outputs.filter(({ out }) => out.output_type === 'execute_result');
    assert.equal(results.length, 1, JSON.stringify(outputs.map((o) => o.out)));
    assert.equal(results[0].out.data['text/plain'], '42');
    assert.equal(results[0].out.execution_count, reply.execution_count);
  });

  test('display_data: an SVG picture and HTML', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><circle cx="10" cy="10" r="8"/></svg>';
    const { reply, outputs } = await run(
      `import "github.com/gopherlab/gopherlab/kernel/display"\ndisplay.SVG(\`${svg}\`)\ndisplay.HTML("<b>bold</b>")`,
    );
    assert.equal(reply.status, 'ok');
    const shown = outputs.filter(({ out }) => out.output_type === 'display_data').map(({ out }) => out);
    const pic = shown.find((o) => 'image/svg+xml' in o.data);
    assert.ok(pic, `no SVG display_data in ${JSON.stringify(shown)}`);
    assert.match(pic.data['image/svg+xml'], /<svg[^>]*>.*<circle/s);
    assert.ok(shown.some((o) => o.data['text/html'] === '<b>bold</b>'), 'no HTML display_data');
  });

  test('error: a compile error is an error output and an error reply', async () => {
    const { reply, outputs } = await run('undefinedName + 1');
    assert.equal(reply.status, 'error');
    const errors = outputs.filter(({ out }) => out.output_type === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0].out.evalue + errors[0].out.traceback.join('\n'), /undefinedName/);
    assert.equal(errors[0].out.ename, reply.ename);
  });

  test('error: a panic is an error output and the kernel lives on', async () => {
    const { reply, outputs } = await run('var m map[string]int\nm["x"] = 1');
    assert.equal(reply.status, 'error');
    assert.equal(outputs.filter(({ out }) => out.output_type === 'error').length, 1);
    const again = await run('answer + 1');
    assert.equal(again.reply.status, 'ok');
    assert.equal(again.outputs.find(({ out }) => out.output_type === 'execute_result')?.out.data['text/plain'], '43');
  });

  test('complete: members of a package', async () => {
    const code = 'import "strings"\nstrings.ToU';
    const reply = await kernel.requestComplete({ code, cursor_pos: code.length });
    assert.equal(reply.content.status, 'ok');
    assert.ok(reply.content.matches.includes('ToUpper'), JSON.stringify(reply.content.matches));
    assert.ok(reply.content.cursor_start <= reply.content.cursor_end);
    assert.equal(reply.content.cursor_end, code.length);
    assert.equal(code.slice(reply.content.cursor_start), 'ToU');
  });

  test('complete: a variable defined by an earlier cell', async () => {
    const code = 'ans';
    const reply = await kernel.requestComplete({ code, cursor_pos: code.length });
    assert.equal(reply.content.status, 'ok');
    assert.ok(reply.content.matches.includes('answer'), JSON.stringify(reply.content.matches));
  });

  test('inspect: the documentation of a function, as a mime bundle', async () => {
    const code = 'strings.ToUpper';
    const reply = await kernel.requestInspect({ code, cursor_pos: code.length, detail_level: 0 });
    assert.equal(reply.content.status, 'ok');
    assert.equal(reply.content.found, true);
    const text = reply.content.data['text/plain'];
    assert.equal(typeof text, 'string');
    assert.match(text, /ToUpper/);
    for (const [mime, value] of Object.entries(reply.content.data)) {
      assert.ok(nbformat.validateMimeValue(mime, value), mime);
    }
  });

  test("stdin: fmt.Scanln asks the client through onStdin", async () => {
    const { reply, outputs, stdinRequests } = await run(
      'var name string\nfmt.Scanln(&name)\nfmt.Println("hello,", name)',
      { stdinAnswer: () => 'gopher' },
    );
    assert.equal(reply.status, 'ok');
    assert.equal(stdinRequests.length, 1);
    assert.equal(stdinRequests[0].header.msg_type, 'input_request');
    assert.equal(typeof stdinRequests[0].content.prompt, 'string');
    assert.equal(stdinRequests[0].content.password, false);
    assert.equal(streamText(outputs), 'hello, gopher\n');
  });

  test('update_display_data: a live progress bar is redrawn in place', async () => {
    const { reply, outputs } = await run(
      'import "time"\np := display.NewProgress("steps", 5)\nfor i := 0; i < 5; i++ {\n\ttime.Sleep(150 * time.Millisecond)\n\tp.Add(1)\n}\np.Done()',
    );
    assert.equal(reply.status, 'ok');
    const first = outputs.find(({ msg }) => msg.header.msg_type === 'display_data');
    assert.ok(first, 'no display_data for the bar');
    const id = first.msg.content.transient?.display_id;
    assert.equal(typeof id, 'string', 'the bar has no display_id');
    const updates = outputs.filter(({ msg }) => msg.header.msg_type === 'update_display_data');
    assert.ok(updates.length >= 1, 'no update_display_data');
    for (const { msg } of updates) {
      assert.equal(msg.content.transient?.display_id, id, 'update of another display');
    }
    const last = updates[updates.length - 1].out.data['text/plain'];
    assert.match(last, /5\/5/, `last redraw: ${last}`);
    // JupyterLab keeps one output for the display id: the first display_data,
    // replaced in place by each update.
    assert.equal(outputs.filter(({ msg }) => msg.header.msg_type === 'display_data' && msg.content.transient?.display_id === id).length, 1);
  });

  test('comm_info: the kernel answers with a (possibly empty) comm table', async () => {
    const reply = await kernel.requestCommInfo({});
    assert.equal(reply.content.status, 'ok');
    const comms = reply.content.comms;
    assert.ok(comms !== null && typeof comms === 'object' && !Array.isArray(comms), `comms: ${JSON.stringify(comms)}`);
  });

  test('interrupt (REST API, as JupyterLab\'s button) stops a running cell and keeps the session', async () => {
    await run('kept := 5');
    let started = false;
    const running = run('fmt.Println("looping")\nfor {\n}', {
      onMessage: (msg) => {
        if (msg.header.msg_type === 'stream' && msg.content.text.includes('looping')) started = true;
      },
    });
    await waitFor('the looping cell to start', () => started);
    // JupyterLab's interrupt button: POST /api/kernels/{id}/interrupt (the
    // server turns it into an interrupt_request, the kernel's interrupt_mode).
    await kernel.interrupt();
    const { reply, outputs } = await running;
    assert.equal(reply.status, 'error');
    assert.equal(reply.ename, 'Interrupted');
    assert.equal(outputs.filter(({ out }) => out.output_type === 'error').length, 1);
    const after = await run('kept');
    assert.equal(after.reply.status, 'ok');
    assert.equal(after.outputs.find(({ out }) => out.output_type === 'execute_result')?.out.data['text/plain'], '5');
  });

  test('restart (REST API, as JupyterLab\'s button) gives a fresh interpreter on the same kernel id', async () => {
    const id = kernel.id;
    // JupyterLab's restart button: POST /api/kernels/{id}/restart, then the
    // connection reconnects its websocket.
    let restarting = false;
    kernel.statusChanged.connect((_, status) => {
      if (status === 'restarting' || status === 'autorestarting') restarting = true;
    });
    await kernel.restart();
    assert.ok(restarting, 'the connection never reported restarting');
    await waitFor('the kernel to be idle after restart', () => kernel.connectionStatus === 'connected' && kernel.status === 'idle');
    assert.equal(kernel.id, id);
    const { reply, outputs } = await run('kept');
    assert.equal(reply.status, 'error', 'state survived the restart');
    assert.match(outputs.map(({ out }) => out.evalue ?? '').join(''), /kept/);
    const fresh = await run('1 + 1');
    assert.equal(fresh.outputs.find(({ out }) => out.output_type === 'execute_result')?.out.data['text/plain'], '2');
    assert.equal(fresh.reply.execution_count, 2, 'the execution count starts again after a restart');
  });
});
