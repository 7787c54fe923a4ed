"""Simulated learners on a JupyterHub: the load generator of hub.sh.

Each learner logs in through the hub's REST API (a token request with
username and password), starts their server, opens a session with the
gopherlab kernel on a lesson notebook of their own copy of the learner
release, and runs its code cells one by one over the kernel websocket with a
think time between cells. Meanwhile a sampler reads the PSS of every
gopherlab process (kernel and worker) of each learner, and the CPU time of
the hub and its proxy.

    /usr/bin/python3 learners.py --hub URL --users a,b,c --password PW \
        --notebook gopherlab/notebooks/01-goroutines.ipynb --cells FILE.ipynb \
        --think 1.5,4 --hub-pids 12,34 --json out.json

Every answer is checked for who gave it. A learner's Jupyter server names
the Unix user it runs as in each response (X-Gopherlab-User, from
deploy/jupyterhub/jupyter_server_config.py): an answer to /user/NAME/... must
come from NAME's server, and one to /hub/... from the hub (no such header).
An answer from another learner's server, or a success from anything but the
learner's own server, is a misrouted request: counted apart ("misrouted"),
and hub.sh fails on any at any N.

Every failure is counted with the step it happened in (login, spawn,
session, cells, stop); a spawn is failed when the hub answers an error or the
server disappears while pending (the hub gave up on it), never because it
is slow: a learner still spawning or in the lesson when the budget runs out
is "unfinished", and their server is still stopped (after its spawn ends).

Prints one line per learner and a summary; writes the numbers as JSON.
Exit status 0 even when cells failed: hub.sh decides.
"""

import argparse
import asyncio
import json
import os
import pwd
import random
import re
import statistics
import time
import uuid

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

# Limits that only stop a hung run; a slow machine is the budget's business
# (--budget), and nothing here is a verdict about speed.
CELL_LIMIT = 600  # seconds per cell
HTTP_LIMIT = 300  # seconds per HTTP request
SPAWN_LIMIT = 900  # seconds from the spawn request to a ready server
STOP_LIMIT = 900  # seconds from the end of the lesson to a stopped server


def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def proc_uid_comm(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            uid = comm = None
            for line in f:
                if line.startswith("Name:"):
                    comm = line.split()[1]
                elif line.startswith("Uid:"):
                    uid = int(line.split()[1])
            return uid, comm
    except OSError:
        return None, None


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


class Sampler:
    """Peak kernel+worker PSS per learner, sampled every second."""

    def __init__(self, users):
        self.uids = {pwd.getpwnam(u).pw_uid: u for u in users}
        self.peak_kb = {u: 0 for u in users}
        self.total_peak_kb = 0

    def sample(self):
        per = {u: 0 for u in self.peak_kb}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            uid, comm = proc_uid_comm(d)
            if uid in self.uids and comm == "gopherlab":
                per[self.uids[uid]] += pss_kb(d)
        for u, kb in per.items():
            self.peak_kb[u] = max(self.peak_kb[u], kb)
        self.total_peak_kb = max(self.total_peak_kb, sum(per.values()))

    async def run(self, stop):
        while not stop.is_set():
            self.sample()
            try:
                await asyncio.wait_for(stop.wait(), 1.0)
            except asyncio.TimeoutError:
                pass


IDENTITY = "X-Gopherlab-User"


class Misrouted(Exception):
    """A request reached a server that is not the learner's own."""


class Learner:
    def __init__(self, args, name, cells):
        self.args = args
        self.name = name
        self.cells = cells
        self.http = AsyncHTTPClient()
        self.token = None
        self.latencies = []
        self.failures = []
        self.spawn_seconds = None
        self.spawn_failed = False
        self.step = "login"
        self.misrouted = []
        self.answers = 0  # responses whose answering server was checked

    def check_answer(self, what, url, code, headers):
        """Fail loudly unless the right server gave this answer."""
        who = headers.get(IDENTITY) if headers is not None else None
        self.answers += 1
        if f"/user/{self.name}/" in url:
            if who == self.name:
                return
            if who is not None or 100 < code < 300:  # 101: a websocket
                by = f"{who}'s server" if who else "a process that is not their server"
                msg = f"MISROUTED: {what} for {self.name} answered HTTP {code} by {by}"
                self.misrouted.append(msg)
                raise Misrouted(msg)
            raise RuntimeError(f"{what}: HTTP {code} and not from {self.name}'s server (no {IDENTITY})")
        if who is not None:  # a /hub/ URL answered by a learner's server
            msg = f"MISROUTED: {what} (a hub URL) answered HTTP {code} by {who}'s server"
            self.misrouted.append(msg)
            raise Misrouted(msg)

    async def api(self, method, url, body=None, token=None, ok=(200, 201, 202, 204)):
        headers = {"Content-Type": "application/json"}
        if token or self.token:
            headers["Authorization"] = "token " + (token or self.token)
        req = HTTPRequest(url, method=method, headers=headers,
                          body=None if body is None else json.dumps(body),
                          allow_nonstandard_methods=True, request_timeout=HTTP_LIMIT,
                          follow_redirects=False)  # every answer is checked for who gave it
        resp = await self.http.fetch(req, raise_error=False)
        if resp.code != 599:  # 599: no answer at all (connection refused, timeout)
            self.check_answer(f"{method} {url[url.index('/', 8):]}", url, resp.code, resp.headers)
        if resp.code not in ok:
            raise RuntimeError(f"{method} {url}: HTTP {resp.code} {resp.body[:300]!r}")
        return json.loads(resp.body) if resp.body else None

    async def run(self):
        hub = self.args.hub
        try:
            # Log in through the REST API: a token for username + password.
            got = await self.api("POST", f"{hub}/hub/api/users/{self.name}/tokens",
                                 {"auth": {"username": self.name, "password": self.args.password},
                                  "note": "load test", "expires_in": 3600})
            self.token = got["token"]
            self.step = "spawn"
            t0 = time.monotonic()
            await self.api("POST", f"{hub}/hub/api/users/{self.name}/server")
            while True:
                user = await self.api("GET", f"{hub}/hub/api/users/{self.name}")
                server = (user.get("servers") or {}).get("")
                if server and server.get("ready"):
                    break
                if not server and not user.get("pending"):
                    # Neither ready nor pending: the hub gave up on the spawn.
                    raise RuntimeError("the hub's spawn failed (the server is gone; see the hub's log)")
                if time.monotonic() - t0 > SPAWN_LIMIT:
                    raise RuntimeError(f"server not ready after {SPAWN_LIMIT} s")
                await asyncio.sleep(0.5)
            self.spawn_seconds = time.monotonic() - t0
            self.step = "session"
            base = f"{hub}/user/{self.name}"
            sess = await self.api("POST", f"{base}/api/sessions",
                                  {"path": self.args.notebook, "type": "notebook", "name": "",
                                   "kernel": {"name": "gopherlab"}})
            kid = sess["kernel"]["id"]
            self.step = "cells"
            await self.run_cells(base, kid)
            if self.args.expect_output and not re.search(self.args.expect_output, self.last_output):
                self.failures.append(f"the last cell did not print /{self.args.expect_output}/: {self.last_output[:500]!r}")
            self.step = "session"
            await self.api("DELETE", f"{base}/api/sessions/{sess['id']}")
        except Exception as e:  # a learner's failure is counted, not fatal
            if self.step == "spawn":
                self.spawn_failed = True
            self.failures.append(f"{self.step}: {type(e).__name__}: {e}")
        finally:
            # Also when the budget ran out (cancelled): the server is stopped.
            if self.token:
                try:
                    await self.stop_server()
                except Exception as e:
                    self.failures.append(f"stop: {type(e).__name__}: {e}")

    async def stop_server(self):
        """Stop the learner's server and wait until it is gone, so the next
        run's spawn does not find it pending. A spawn still pending (the
        budget ran out during it) is waited for first: the hub refuses to
        stop a server while it spawns. If that spawn then fails, it counts."""
        hub = self.args.hub
        t0 = time.monotonic()
        waited_for_spawn = False
        while True:
            user = await self.api("GET", f"{hub}/hub/api/users/{self.name}")
            server = (user.get("servers") or {}).get("")
            pending = user.get("pending")
            if server is None and not pending:
                if waited_for_spawn:
                    self.spawn_failed = True
                    raise RuntimeError("the hub's spawn failed after the budget ran out (see the hub's log)")
                return
            if time.monotonic() - t0 > STOP_LIMIT:
                raise RuntimeError(f"server still not stopped after {STOP_LIMIT} s (pending: {pending})")
            if pending == "spawn":
                waited_for_spawn = True
            elif not pending:
                waited_for_spawn = False
                await self.api("DELETE", f"{hub}/hub/api/users/{self.name}/server")
                continue
            await asyncio.sleep(0.5)

    async def run_cells(self, base, kid):
        session = uuid.uuid4().hex
        url = base.replace("http", "ws", 1) + f"/api/kernels/{kid}/channels?session_id={session}"
        ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": "token " + self.token},
                                                 request_timeout=HTTP_LIMIT))
        self.check_answer("websocket /api/kernels/.../channels", url, 101, ws.headers)
        try:
            await self.request(ws, session, "kernel_info_request", {}, "shell")
            self.last_output = ""
            for i, (code, expect_error) in enumerate(self.cells):
                await asyncio.sleep(random.uniform(*self.args.think))
                t = time.monotonic()
                reply, errors, out = await self.request(
                    ws, session, "execute_request",
                    {"code": code, "silent": False, "store_history": True,
                     "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
                    "shell")
                self.latencies.append(time.monotonic() - t)
                self.last_output = "".join(out)
                failed = reply["content"]["status"] != "ok"
                if failed != expect_error:
                    what = errors[0] if errors else reply["content"].get("status")
                    self.failures.append(f"cell {i + 1}: {what}")
        finally:
            ws.close()

    async def request(self, ws, session, msg_type, content, channel):
        msg_id = uuid.uuid4().hex
        await ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "session": session,
                       "username": self.name, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "content": content,
            "channel": channel, "buffers": [],
        }))
        reply = None
        idle = False
        errors = []
        out = []
        deadline = time.monotonic() + CELL_LIMIT
        while reply is None or not idle:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"{msg_type} got no reply in {CELL_LIMIT} s")
            raw = await asyncio.wait_for(ws.read_message(), left)
            if raw is None:
                raise RuntimeError("the kernel websocket closed")
            m = json.loads(raw)
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            t = m["header"]["msg_type"]
            if t == msg_type.replace("_request", "_reply"):
                reply = m
            elif t == "status" and m["content"]["execution_state"] == "idle":
                idle = True
            elif t == "error":
                errors.append(f"{m['content']['ename']}: {m['content']['evalue'][:200]}")
                out.append(m["content"]["evalue"])
            elif t == "stream":
                out.append(m["content"]["text"])
            elif t in ("display_data", "execute_result"):
                out.append(m["content"]["data"].get("text/plain", ""))
        return reply, errors, out


def percentile(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


async def main():
    # One connection per learner at least: tornado's default of 10 would queue
    # (and time out) the learners' own requests, not the hub's.
    AsyncHTTPClient.configure(None, max_clients=256)
    ap = argparse.ArgumentParser()
    ap.add_argument("--hub", required=True)
    ap.add_argument("--users", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--notebook", required=True, help="path of the notebook in each learner's home")
    ap.add_argument("--cells", required=True, help="the notebook file whose code cells are run")
    ap.add_argument("--think", default="1.5,4", help="think time range between cells, seconds")
    ap.add_argument("--hub-pids", default="", help="hub and proxy PIDs, for their CPU time")
    ap.add_argument("--json", required=True)
    ap.add_argument("--budget", type=float, default=0,
                    help="seconds the learners get; those still spawning or in the lesson then are unfinished, not failed")
    ap.add_argument("--expect-output", default="", help="a regexp every learner's last cell must print")
    args = ap.parse_args()
    args.think = tuple(float(x) for x in args.think.split(","))
    users = args.users.split(",")
    with open(args.cells) as f:
        nb = json.load(f)
    cells = []
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            cells.append((src, "raises-exception" in c.get("metadata", {}).get("tags", [])))

    hub_pids = [int(p) for p in args.hub_pids.split(",") if p]
    hub_cpu0 = sum(cpu_seconds(p) for p in hub_pids)
    sampler = Sampler(users)
    stop = asyncio.Event()
    sampling = asyncio.create_task(sampler.run(stop))
    learners = [Learner(args, u, cells) for u in users]
    t0 = time.monotonic()
    load0 = os.getloadavg()[0]
    tasks = [asyncio.create_task(l.run()) for l in learners]
    _, late = await asyncio.wait(tasks, timeout=args.budget or None)
    wall = time.monotonic() - t0  # not counting the wait for the last servers to stop
    for t in late:
        t.cancel()
    if late:
        await asyncio.wait(late)
    # Out of time: still in the lesson when the budget ran out (a learner
    # who ran every cell and was only stopping their server is not).
    unfinished = [l.name for l, t in zip(learners, tasks) if t in late and len(l.latencies) < len(cells)]
    stop.set()
    await sampling
    hub_cpu = sum(cpu_seconds(p) for p in hub_pids) - hub_cpu0

    lat = [x for l in learners for x in l.latencies]
    failures = {l.name: l.failures for l in learners if l.failures}
    misrouted = {l.name: l.misrouted for l in learners if l.misrouted}
    mb = [sampler.peak_kb[u] / 1024 for u in users if sampler.peak_kb[u]]
    spawn = [l.spawn_seconds for l in learners if l.spawn_seconds is not None]
    result = {
        "n": len(users),
        "cells": len(lat),
        "cells_expected": len(users) * len(cells),
        "wall_s": wall,
        "cells_per_s": len(lat) / wall if wall else 0,
        "p50_s": percentile(lat, 50),
        "p95_s": percentile(lat, 95),
        "max_s": max(lat) if lat else float("nan"),
        "mb_per_learner": statistics.mean(mb) if mb else 0,
        "mb_per_learner_max": max(mb) if mb else 0,
        "mb_all_peak": sampler.total_peak_kb / 1024,
        "spawn_p50_s": percentile(spawn, 50),
        "spawn_max_s": max(spawn) if spawn else float("nan"),
        "hub_cpu_s": hub_cpu,
        "loadavg_start": load0,
        "loadavg_end": os.getloadavg()[0],
        "cell_p50_s": [percentile([l.latencies[i] for l in learners if len(l.latencies) > i], 50)
                       for i in range(len(cells))],
        "failures": sum(len(v) for v in failures.values()),
        "spawns_ok": len(spawn),
        "spawns_failed": sum(1 for l in learners if l.spawn_failed),
        "unfinished": len(unfinished),
        "completed": sum(1 for l in learners if len(l.latencies) == len(cells) and not l.failures),
        "budget_s": args.budget,
        "failed_learners": failures,
        "misrouted": sum(len(v) for v in misrouted.values()),
        "misrouted_learners": misrouted,
        "answers_checked": sum(l.answers for l in learners),
    }
    for l in learners:
        late = " (out of time)" if l.name in unfinished else ""
        print(f"  {l.name}: {len(l.latencies)}/{len(cells)} cells{late}, spawn {l.spawn_seconds or float('nan'):.1f}s, "
              f"peak {sampler.peak_kb[l.name] / 1024:.0f} MB, {l.answers} answers checked for who gave them, "
              f"failures: {l.failures or 'none'}")
    with open(args.json, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    asyncio.run(main())
