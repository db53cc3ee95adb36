"""A throwaway Virtuoso Open Source server on loopback, for the tests and the benchmark.

``running_virtuoso()`` writes its own ``virtuoso.ini`` into a temporary folder (database,
log, free HTTP and ISQL ports on 127.0.0.1, small buffers for a CI machine, no limit on
result rows), starts ``virtuoso-t +foreground``, waits until ``/sparql`` answers, sets a
random ``dba`` password (so publishing needs authentication, as on a real server) and stops
the server cleanly (``shutdown`` over ISQL, then SIGTERM) at the end. The Debian service is
never used.

>>> with running_virtuoso() as server:                     # doctest: +SKIP
...     server.sparql      # http://127.0.0.1:PORT/sparql
...     server.isql("SELECT 1;")
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BINARY = "virtuoso-t"
ISQL = "isql-vt"  # Debian's name for Virtuoso's isql (plain "isql" is unixODBC's)

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
LiteMode = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 0
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
AllowOSCalls = 0
DirsAllowed = ., {dir}, {load_dirs}
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize = 100000
SingleCPU = 0
PrefixResultNames = 0
MaxQueryMem = {query_mem}
VectorSize = 1000
MaxVectorSize = 1000000
AdjustVectorSize = 0
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/vsp
MaxClientConnections = 10
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
ServerThreads = {threads}
MaxKeepAlives = 10
KeepAliveTimeout = 10
HTTPThreadSize = 280000
HttpPrintWarningsInOutput = 0
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
ResultSetMaxRows = 100000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
MaxSortedTopRows = 100000000
DeferInferenceRulesInit = 0
"""


def installed() -> bool:
    return shutil.which(BINARY) is not None and shutil.which(ISQL) is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Virtuoso:
    folder: Path
    http_port: int
    isql_port: int
    password: str
    process: subprocess.Popen

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        """The SPARQL 1.1 Protocol query endpoint (anonymous, read-only)."""
        return self.base + "/sparql"

    @property
    def graph_store(self) -> str:
        """The SPARQL 1.1 Graph Store Protocol endpoint with HTTP digest authentication."""
        return self.base + "/sparql-graph-crud-auth"

    def isql(self, statements: str, timeout: float = 3600, password: str | None = None) -> str:
        """Run SQL ``statements`` as dba over ISQL; the output (raises on an error)."""
        done = subprocess.run([ISQL, str(self.isql_port), "dba", password or self.password, "VERBOSE=OFF",
                               "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT"],
                              input=statements, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
        return done.stdout

    def bulk_load(self, folder: Path, pattern: str, graph: str, timeout: float = 3600) -> None:
        """Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run``) for files in ``folder``
        (which must be in ``DirsAllowed``: pass it as ``load_dirs``), then a checkpoint."""
        self.isql(f"ld_dir('{folder}', '{pattern}', '{graph}');\nrdf_loader_run();\n"
                  "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;\ncheckpoint;\n",
                  timeout=timeout)
        errors = self.isql("SELECT COUNT(*) FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
        if errors.split()[-1:] != ["0"]:
            raise RuntimeError("bulk load failed: " + self.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list;"))

    def rss_mb(self) -> float:
        """The server's resident memory (MB)."""
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def _answers(url: str) -> bool:
    query = urllib.parse.urlencode({"query": "ASK {}"})
    try:
        with urllib.request.urlopen(f"{url}?{query}", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def running_virtuoso(*, load_dirs: list[Path] = (), buffers: int = 20000, threads: int = 4,
                     query_mem: str = "500M", start_timeout: float = 120):
    """Start a private Virtuoso server; yield a :class:`Virtuoso`; stop it at the end."""
    if not installed():
        raise FileNotFoundError(f"{BINARY} / {ISQL} not found (Debian: apt-get install virtuoso-opensource)")
    folder = Path(tempfile.mkdtemp(prefix="ikz-virtuoso-"))
    (folder / "vsp").mkdir()
    http_port, isql_port = free_port(), free_port()
    while isql_port == http_port:
        isql_port = free_port()
    (folder / "virtuoso.ini").write_text(INI.format(
        dir=folder, http_port=http_port, isql_port=isql_port, buffers=buffers, dirty=buffers * 3 // 4,
        threads=threads, query_mem=query_mem, load_dirs=", ".join(str(p) for p in load_dirs) or str(folder)))
    process = subprocess.Popen([BINARY, "+foreground", "+configfile", str(folder / "virtuoso.ini")], cwd=folder,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    server = Virtuoso(folder, http_port, isql_port, "dba", process)
    try:
        deadline = time.monotonic() + start_timeout
        while not _answers(server.sparql):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Virtuoso did not start (exit {process.poll()}): {server.log()}")
            time.sleep(0.2)
        password = secrets.token_hex(8)
        server.isql(f"USER_SET_PASSWORD('dba', '{password}');\n")
        server.password = password
        yield server
    finally:
        if process.poll() is None:
            with contextlib.suppress(Exception):
                server.isql("shutdown;\n", timeout=60)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        shutil.rmtree(folder, ignore_errors=True)
