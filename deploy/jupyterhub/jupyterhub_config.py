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
#   GOPHERLAB_JUPYTER_PATH extra Jupyter data dirs (kernelspecs), ':'-separated
#   GOPHERLAB_HUB_IP / GOPHERLAB_HUB_PORT  where the hub listens (127.0.0.1:8000)
import asyncio
import os
import pwd
import shutil

from jupyterhub.spawner import LocalProcessSpawner

c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)

RELEASE = os.environ.get("GOPHERLAB_RELEASE", "/opt/gopherlab/release")
GOROOT = os.environ.get("GOPHERLAB_GOROOT", "/usr/local/go")
GOMODCACHE = os.environ.get("GOPHERLAB_GOMODCACHE", "/opt/gopherlab/gomodcache")
GOCACHE_SEED = os.environ.get("GOPHERLAB_GOCACHE", "/opt/gopherlab/gocache")
CGROUP = os.environ.get("GOPHERLAB_CGROUP", "gopherlab")
JUPYTER_PATH = os.environ.get("GOPHERLAB_JUPYTER_PATH", "")


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


# --- per-learner limits ----------------------------------------------------
def systemd_is_pid1():
    return os.path.isdir("/run/systemd/system")


def cgroup_dirs(name):
    """Make the learner's cgroups (v2 or v1) with the limits; return the
    cgroup.procs files the server process must join."""
    v2 = "/sys/fs/cgroup/cgroup.controllers"
    if os.path.exists(v2):
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


class LimitedSpawner(LocalProcessSpawner):
    """LocalProcessSpawner whose servers run under a memory and CPU limit.

    Where systemd is PID 1 the server runs in a transient scope
    (systemd-run --scope -p MemoryMax= -p CPUQuota=); elsewhere (containers,
    this project's CI) the hub makes one cgroup per learner by hand, v2 or
    v1, and the server joins it before it drops root. Kernels and the
    programs they build are children of the server, so they share its limit.
    """

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
        if systemd_is_pid1():
            # systemd-run puts the server in a transient scope with the limits,
            # then drops to the learner (--uid) and execs it. (Not exercised by
            # test/scale/hub.sh, whose machine has no systemd as PID 1.)
            self.cmd = [
                "systemd-run", "--scope", "--quiet",
                f"--uid={self.user.name}",
                "-p", f"MemoryMax={MEM_LIMIT}",
                "-p", "MemorySwapMax=0",
                "-p", f"CPUQuota={int(CPU_LIMIT * 100)}%",
                "--",
            ] + list(self.cmd or ["jupyterhub-singleuser"])
        return await super().start()

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
