# A class on JupyterHub with the gopherlab kernel (see README.md here).
#
#   jupyterhub -f deploy/jupyterhub/jupyterhub_config.py
#
# Every learner is a local Unix user (PAM login). Each one's server runs as
# that user, in a cgroup of its own with a memory and a CPU limit, with the Go
# toolchain on PATH and the class's shared, read-only module cache, so the
# kernel type-checks imports and builds %%run / %%race / %grade programs
# offline (GOPROXY=off). A new learner gets the learner release (lessons,
# checkpoints, exercises: `gopherlab release --out DIR`) copied into
# ~/gopherlab and trusted for them.
#
# Settings come from the environment, so one file serves every host:
#   GOPHERLAB_RELEASE    the learner release            (/opt/gopherlab/release)
#   GOPHERLAB_GOROOT     Go 1.26 or newer               (/usr/local/go)
#   GOPHERLAB_GOMODCACHE shared module cache, read-only (/opt/gopherlab/gomodcache)
#   GOPHERLAB_GOCACHE    warm build cache to seed each learner's own from, read-only
#                        (/opt/gopherlab/gocache; optional)
#   GOPHERLAB_MEM_LIMIT  memory per learner, bytes or 512M/2G (2G)
#   GOPHERLAB_CPU_LIMIT  CPUs per learner (1.0)
#   GOPHERLAB_CGROUP     parent cgroup name for hand-made cgroups (gopherlab)
#   GOPHERLAB_PORT_RANGE ports for learners' servers, outside the kernel's
#                        ephemeral range (20000-29999)
#   GOPHERLAB_JUPYTER_PATH extra Jupyter data dirs (kernelspecs), ':'-separated
#   GOPHERLAB_HUB_IP / GOPHERLAB_HUB_PORT  where the hub listens (127.0.0.1:8000)
import asyncio
import os
import pwd
import random
import shutil
import socket
import time

from jupyterhub.spawner import LocalProcessSpawner

c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)

RELEASE = os.environ.get("GOPHERLAB_RELEASE", "/opt/gopherlab/release")
GOROOT = os.environ.get("GOPHERLAB_GOROOT", "/usr/local/go")
GOMODCACHE = os.environ.get("GOPHERLAB_GOMODCACHE", "/opt/gopherlab/gomodcache")
GOCACHE_SEED = os.environ.get("GOPHERLAB_GOCACHE", "/opt/gopherlab/gocache")
CGROUP = os.environ.get("GOPHERLAB_CGROUP", "gopherlab")
JUPYTER_PATH = os.environ.get("GOPHERLAB_JUPYTER_PATH", "")
# jupyter_server_config.py beside this file: every learner's server names the
# Unix user it runs as in each response (X-Gopherlab-User).
SERVER_CONFIG_DIR = os.path.dirname(os.path.abspath(__file__))


def parse_bytes(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    text = text.strip().upper()
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


MEM_LIMIT = parse_bytes(os.environ.get("GOPHERLAB_MEM_LIMIT", "2G"))
CPU_LIMIT = float(os.environ.get("GOPHERLAB_CPU_LIMIT", "1.0"))

# --- the hub ---------------------------------------------------------------
c.JupyterHub.ip = os.environ.get("GOPHERLAB_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("GOPHERLAB_HUB_PORT", "8000"))
# Real logins: local Unix users through PAM (JupyterHub's default).
c.JupyterHub.authenticator_class = "jupyterhub.auth.PAMAuthenticator"
# Learners' servers stop after an hour of silence (jupyter_server culls idle
# kernels after 30 minutes), so memory goes back to the class.
c.Spawner.args = [
    "--ServerApp.shutdown_no_activity_timeout=3600",
    "--MappingKernelManager.cull_idle_timeout=1800",
    "--MappingKernelManager.cull_interval=300",
]
c.Spawner.default_url = "/tree/gopherlab/notebooks"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# How soon the hub notices a server that died and removes its route (30 s by
# default): see "Ports" in README.md.
c.Spawner.poll_interval = 10


# --- ports: one per server, never two servers on one -----------------------
# JupyterHub's own choice (jupyterhub.utils.random_port) binds port 0, reads
# the number, closes the socket and hands the number to a server that binds
# it seconds later (a Python server takes 20 s to start on a busy machine).
# Meanwhile the kernel gives the same free port to the next bind(0): another
# learner's spawn, a kernel, a learner's program. The second server to bind
# exits, and the hub, which takes any HTTP answer on the port (even a 404) as
# "up", routes that learner to whoever holds the port: another learner's
# server (seen in test/scale/hub.sh at N=20; jupyterhub issue #3005).
# So this spawner (1) takes ports from a range of its own, outside the
# kernel's ephemeral range, never giving a port to two live servers, and
# (2) before the hub routes anyone there, checks that the socket listening on
# the port is held by the very process it started (/proc/net/tcp's inode
# among the process's file descriptors); a foreign listener means a new port
# and a new server, never a route.
def parse_range(text):
    lo, _, hi = text.partition("-")
    lo, hi = int(lo), int(hi or lo)
    if not 1024 <= lo <= hi <= 65535:
        raise ValueError(f"GOPHERLAB_PORT_RANGE={text!r}: want LOW-HIGH within 1024-65535")
    return lo, hi


PORT_RANGE = parse_range(os.environ.get("GOPHERLAB_PORT_RANGE", "20000-29999"))
try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        EPHEMERAL = tuple(int(x) for x in f.read().split())
except OSError:
    EPHEMERAL = (32768, 60999)
if PORT_RANGE[0] <= EPHEMERAL[1] and EPHEMERAL[0] <= PORT_RANGE[1]:
    raise SystemExit(
        f"gopherlab: GOPHERLAB_PORT_RANGE {PORT_RANGE[0]}-{PORT_RANGE[1]} overlaps the kernel's ephemeral "
        f"ports {EPHEMERAL[0]}-{EPHEMERAL[1]} (net.ipv4.ip_local_port_range): any process's bind(0) "
        "could take a learner's port; choose a range outside it")


def listening_inodes(port):
    """Socket inode -> owner uid of every TCP socket listening on port."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                lines = f.readlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                found[int(fields[9])] = int(fields[7])
    return found


def socket_inodes(pid):
    inodes = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return inodes
    for fd in fds:
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(int(link[8:-1]))
    return inodes


# --- per-learner limits ----------------------------------------------------
def systemd_is_pid1():
    return os.path.isdir("/run/systemd/system")


def cgroup_v2():
    return os.path.exists("/sys/fs/cgroup/cgroup.controllers")


def cgroup_parents():
    """Make the parent cgroup(s) now, so a hub that cannot limit its learners
    fails at start instead of running them without limits."""
    if cgroup_v2():
        parent = os.path.join("/sys/fs/cgroup", CGROUP)
        os.makedirs(parent, exist_ok=True)
        with open(os.path.join(parent, "cgroup.subtree_control"), "w") as f:
            f.write("+memory +cpu")
        return
    for ctl in ("memory", "cpu"):
        if not os.path.isdir(f"/sys/fs/cgroup/{ctl}"):
            raise OSError(f"no cgroup v1 {ctl} controller at /sys/fs/cgroup/{ctl}")
        os.makedirs(os.path.join("/sys/fs/cgroup", ctl, CGROUP), exist_ok=True)


def cgroup_dirs(name):
    """Make the learner's cgroups (v2 or v1) with the limits; return the
    cgroup.procs files the server process must join."""
    if cgroup_v2():
        parent = os.path.join("/sys/fs/cgroup", CGROUP)
        os.makedirs(parent, exist_ok=True)
        with open(os.path.join(parent, "cgroup.subtree_control"), "w") as f:
            f.write("+memory +cpu")
        d = os.path.join(parent, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "memory.max"), "w") as f:
            f.write(str(MEM_LIMIT))
        with open(os.path.join(d, "memory.swap.max"), "w") as f:
            f.write("0")
        with open(os.path.join(d, "cpu.max"), "w") as f:
            f.write(f"{int(CPU_LIMIT * 100000)} 100000")
        return [os.path.join(d, "cgroup.procs")]
    procs = []
    mem = os.path.join("/sys/fs/cgroup/memory", CGROUP, name)
    os.makedirs(mem, exist_ok=True)
    with open(os.path.join(mem, "memory.limit_in_bytes"), "w") as f:
        f.write(str(MEM_LIMIT))
    procs.append(os.path.join(mem, "cgroup.procs"))
    cpu = os.path.join("/sys/fs/cgroup/cpu", CGROUP, name)
    os.makedirs(cpu, exist_ok=True)
    with open(os.path.join(cpu, "cpu.cfs_period_us"), "w") as f:
        f.write("100000")
    with open(os.path.join(cpu, "cpu.cfs_quota_us"), "w") as f:
        f.write(str(int(CPU_LIMIT * 100000)))
    procs.append(os.path.join(cpu, "cgroup.procs"))
    return procs


def process_limits(pid):
    """The memory limit (bytes) and CPU quota (CPUs) of the cgroup(s) the
    process is in, as the kernel sees them."""
    with open(f"/proc/{pid}/cgroup") as f:
        lines = [line.rstrip("\n").split(":", 2) for line in f]
    if cgroup_v2():
        path = next(p for h, c, p in lines if h == "0")
        d = "/sys/fs/cgroup" + path
        with open(os.path.join(d, "memory.max")) as f:
            mem = f.read().strip()
        with open(os.path.join(d, "cpu.max")) as f:
            quota, period = f.read().split()
        return (None if mem == "max" else int(mem),
                None if quota == "max" else int(quota) / int(period))
    paths = {}
    for _, ctls, path in lines:
        for ctl in ctls.split(","):
            paths[ctl] = path
    with open(f"/sys/fs/cgroup/memory{paths['memory']}/memory.limit_in_bytes") as f:
        mem = int(f.read())
    cpu_dir = f"/sys/fs/cgroup/cpu{paths['cpu']}"
    with open(os.path.join(cpu_dir, "cpu.cfs_quota_us")) as f:
        quota = int(f.read())
    with open(os.path.join(cpu_dir, "cpu.cfs_period_us")) as f:
        period = int(f.read())
    return (None if mem >= 1 << 62 else mem, None if quota < 0 else quota / period)


if systemd_is_pid1():
    if not shutil.which("systemd-run"):
        raise SystemExit("gopherlab: systemd is PID 1 but systemd-run is not on PATH: learners would run without limits")
else:
    try:
        cgroup_parents()
    except OSError as e:
        raise SystemExit(
            f"gopherlab: cannot make per-learner cgroups under /sys/fs/cgroup ({e}); systemd is not PID 1 "
            "either. Learners would run without memory and CPU limits: run the hub as root with a writable "
            "/sys/fs/cgroup (a container needs --cgroupns=private and a writable cgroup mount), or under systemd")


class LimitedSpawner(LocalProcessSpawner):
    """LocalProcessSpawner whose servers run under a memory and CPU limit,
    each on a port of its own that the hub has checked is theirs.

    Where systemd is PID 1 the server runs in a transient scope
    (systemd-run --scope -p MemoryMax= -p CPUQuota=); elsewhere (containers,
    this project's CI) the hub makes one cgroup per learner by hand, v2 or
    v1, and the server joins it before it drops root. Kernels and the
    programs they build are children of the server, so they share its limit.
    Before the hub routes to a new server, start() checks that the server's
    own process listens on its port and runs under the limits.
    """

    # Ports handed to servers of this hub that have not stopped, and the
    # spawner each was handed to (released by owner: JupyterHub may have
    # changed self.port by the time the server stops).
    held_ports = {}
    # Attempts at a port held by someone else before the spawn fails.
    port_attempts = 5

    def choose_port(self):
        lo, hi = PORT_RANGE
        free = [p for p in range(lo, hi + 1) if p not in self.held_ports]
        random.shuffle(free)
        for port in free:
            if listening_inodes(port):
                continue
            probe = socket.socket()
            try:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
                probe.bind((self.ip or "127.0.0.1", port))
            except OSError:
                continue
            finally:
                probe.close()
            self.held_ports[port] = self
            self.log.info("gopherlab: port %d for %s's server; %d port(s) of the pool in use", port, self.user.name,
                          len(self.held_ports))
            return port
        raise RuntimeError(f"gopherlab: no free port left in GOPHERLAB_PORT_RANGE {lo}-{hi} "
                           f"({len(self.held_ports)} held by this hub's servers, the others in use)")

    def release_port(self):
        mine = [p for p, owner in self.held_ports.items() if owner is self]
        for p in mine:
            del self.held_ports[p]
        if mine:
            self.log.info("gopherlab: port(s) %s of %s's server back in the pool", mine, self.user.name)

    async def listening_or_exit(self, deadline):
        """'ours' once the started process listens on self.port, 'foreign'
        if another process does; raises if the server exits or never listens."""
        pid = self.proc.pid
        while True:
            held = listening_inodes(self.port)
            if held:
                if set(held) & socket_inodes(pid):
                    return "ours"
                others = ", ".join(f"uid {uid}" for uid in sorted(set(held.values())))
                self.log.warning("gopherlab: port %d given to %s's server is held by another process (%s)",
                                 self.port, self.user.name, others)
                return "foreign"
            status = self.proc.poll()
            if status is not None:
                raise RuntimeError(f"gopherlab: {self.user.name}'s server exited ({status}) before listening "
                                   f"on port {self.port}; see the hub's log")
            if time.monotonic() > deadline:
                raise TimeoutError(f"gopherlab: {self.user.name}'s server did not listen on port {self.port} "
                                   f"within {self.start_timeout} s")
            await asyncio.sleep(0.2)

    def make_preexec_fn(self, name):
        drop_root = super().make_preexec_fn(name)
        if systemd_is_pid1():
            # systemd-run (see start) drops root itself, inside the scope.
            home = pwd.getpwnam(name).pw_dir
            return lambda: os.chdir(home)
        procs = cgroup_dirs(name)

        def join_cgroup_then_drop_root():
            pid = str(os.getpid())
            for p in procs:
                with open(p, "w") as f:
                    f.write(pid)
            drop_root()

        return join_cgroup_then_drop_root

    async def start(self):
        if any(self.config[k].get("port") for k in ("Spawner", "LocalProcessSpawner", "LimitedSpawner")
               if k in self.config):
            raise RuntimeError("gopherlab: c.Spawner.port is fixed; every learner's server would share one "
                               "port: leave it unset (this spawner gives each server a port of its own)")
        base_cmd = self.cmd
        cmd = list(base_cmd or ["jupyterhub-singleuser"])
        if systemd_is_pid1():
            # systemd-run puts the server in a transient scope with the limits,
            # then drops to the learner (--uid) and execs it, keeping the PID.
            cmd = [
                "systemd-run", "--scope", "--quiet",
                f"--uid={self.user.name}",
                "-p", f"MemoryMax={MEM_LIMIT}",
                "-p", "MemorySwapMax=0",
                "-p", f"CPUQuota={int(CPU_LIMIT * 100)}%",
                "--",
            ] + cmd
        deadline = time.monotonic() + self.start_timeout
        api_token = self.api_token  # stop() clears it; a new attempt needs it
        for attempt in range(1, self.port_attempts + 1):
            self.port = self.choose_port()
            self.api_token = api_token
            self.cmd = cmd
            try:
                ip, port = await super().start()
                self.cmd = base_cmd
                outcome = await self.listening_or_exit(deadline)
            except BaseException:
                self.cmd = base_cmd
                await self.stop(now=True)
                raise
            if outcome == "ours":
                break
            # Not ours: never route there. Stop our server (it cannot bind),
            # leave that port to its holder and start again on another.
            await self.stop(now=True)
        else:
            raise RuntimeError(f"gopherlab: {self.user.name}'s server found its port held by another process "
                               f"{self.port_attempts} times; not starting it")
        mem, cpus = process_limits(self.pid)
        if mem != MEM_LIMIT or cpus is None or abs(cpus - CPU_LIMIT) > 0.01:
            await self.stop(now=True)
            raise RuntimeError(f"gopherlab: {self.user.name}'s server runs with memory limit {mem} and "
                               f"{cpus} CPUs, not {MEM_LIMIT} and {CPU_LIMIT}: not starting it without limits")
        return ip, port

    # The port goes back to the pool once the server is gone and the hub has
    # removed its route (stop, or the post-stop hook when the hub found it
    # dead), never earlier: poll() clears state before the route is gone.
    async def stop(self, now=False):
        try:
            await super().stop(now=now)
        finally:
            self.release_port()

    def run_post_stop_hook(self):
        try:
            return super().run_post_stop_hook()
        finally:
            self.release_port()

    # A port belongs to one server, not to the learner: once that server has
    # stopped the spawner forgets it. JupyterHub keeps a stopped spawner's
    # get_state() in its database and, at the learner's next start, makes a
    # new spawner and hands it that state (load_state). Had the old port
    # stayed in the state, the new spawner would take it back into
    # held_ports before choosing a port of its own: two ports per learner
    # from their second start on, the first one never used (hub.sh at N=20:
    # 20 spawns + 10 such ports > the 27 free ports of its pool).
    def clear_state(self):
        super().clear_state()
        self.port = 0

    def get_state(self):
        state = super().get_state()
        if self.pid and self.port:
            state["port"] = self.port
        return state

    def load_state(self, state):
        # A hub restarted with servers still running keeps their ports; a
        # stopped server's port (state without a pid) is not taken back.
        super().load_state(state)
        port = state.get("port")
        if port and state.get("pid"):
            self.port = port
            owner = self.held_ports.setdefault(port, self)
            if owner is not self:
                self.log.warning("gopherlab: %s's running server is on port %d, which is also held for %s's",
                                 self.user.name, port, owner.user.name)

    def user_env(self, env):
        env = super().user_env(env)
        home = env["HOME"]
        env.update(
            PATH=f"{GOROOT}/bin:/usr/local/bin:/usr/bin:/bin",
            GOROOT=GOROOT,
            GOMODCACHE=GOMODCACHE,
            GOCACHE=os.path.join(home, ".cache", "go-build"),
            GOPATH=os.path.join(home, "go"),
            GOPROXY="off",
            GOSUMDB="off",
            GOFLAGS="-mod=mod",
            GOTOOLCHAIN="local",
            # A temporary directory of their own: learners share /tmp, and a
            # lesson's file in /tmp is another learner's "permission denied".
            TMPDIR=os.path.join(home, ".cache", "tmp"),
            # jupyter_server_config.py here: the X-Gopherlab-User header.
            JUPYTER_CONFIG_PATH=SERVER_CONFIG_DIR,
        )
        if JUPYTER_PATH:
            env["JUPYTER_PATH"] = JUPYTER_PATH
        return env


c.JupyterHub.spawner_class = LimitedSpawner


# --- what each new learner gets --------------------------------------------
async def run(*cmd):
    """Run a command without blocking the hub's event loop."""
    proc = await asyncio.create_subprocess_exec(
        *cmd, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    _, err = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {err.decode(errors='replace')[-500:]}")


async def give_release(spawner):
    """Copy the learner release into ~/gopherlab once, trust its notebooks
    for the learner, and seed their Go build cache; never overwrite work."""
    user = pwd.getpwnam(spawner.user.name)
    home = user.pw_dir
    dest = os.path.join(home, "gopherlab")

    def chown_tree(top, dirs_only=False):
        for root, dirs, files in os.walk(top):
            os.chown(root, user.pw_uid, user.pw_gid)
            if not dirs_only:
                for f in files:
                    os.chown(os.path.join(root, f), user.pw_uid, user.pw_gid)

    for d in (os.path.join(home, ".cache"), os.path.join(home, ".cache", "tmp")):
        os.makedirs(d, mode=0o700, exist_ok=True)
        os.chown(d, user.pw_uid, user.pw_gid)
    gocache = os.path.join(home, ".cache", "go-build")
    if os.path.isdir(GOCACHE_SEED) and not os.path.exists(gocache):
        # Hard links to a warm cache: the standard library is compiled once for
        # the class, not once per learner. Go writes new entries beside them
        # and never changes one in place; the learner owns the directories,
        # not the shared files.
        try:
            await run("cp", "-al", GOCACHE_SEED, gocache)
            chown_tree(gocache, dirs_only=True)
        except RuntimeError:  # another file system: copy instead
            shutil.rmtree(gocache, ignore_errors=True)
            await run("cp", "-R", GOCACHE_SEED, gocache)
            chown_tree(gocache)
    if os.path.exists(dest) or not os.path.isdir(RELEASE):
        return
    await run("cp", "-R", RELEASE, dest)
    chown_tree(dest)
    notebooks = []
    for root, _, files in os.walk(dest):
        notebooks += [os.path.join(root, f) for f in files if f.endswith(".ipynb")]
    # Trust lives in the learner's own signature database: sign as them.
    await run("runuser", "-u", user.pw_name, "--", "env", f"HOME={home}",
              "/usr/bin/python3", "-m", "nbformat.sign", *sorted(notebooks))


c.Spawner.pre_spawn_hook = give_release
