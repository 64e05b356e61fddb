"""Forks `weibao serve` processes on request, with the app's imports already done.

Importing the app takes ~1.5 s here; a crash test restarts the server after every SIGKILL,
so it forks the real server (create_app + uvicorn, exactly as `weibao serve`) from this
pre-imported parent instead. Each line on stdin forks one server; its pid is printed.
"""

import os
import signal
import sys

import uvicorn

from backend.app import create_app
from backend.settings import Settings

signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed servers are reaped automatically

for _line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        settings = Settings.from_env()
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="error")
        os._exit(0)
    print(pid, flush=True)
