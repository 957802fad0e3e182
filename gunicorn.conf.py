"""Production serving of MSC Trials Atlas: `gunicorn -c gunicorn.conf.py app:server` (see docs/hosting.md).

Sized for a small host (2 cores): two worker processes so that one slow request or a worker restart never stalls
the site, four threads each because a callback mostly waits on dictionary look-ups and JSON, not the CPU.
The app is preloaded in the master: the dataset is validated once before any worker forks (a broken data/ stops
the start with one line), and the workers share the loaded frame copy-on-write.
"""

import os

_host = os.environ.get("HOST", "127.0.0.1") or "127.0.0.1"
_port = os.environ.get("PORT", "8050") or "8050"

bind = os.environ.get("GUNICORN_BIND", f"{_host}:{_port}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
preload_app = True
timeout = 30  # a callback takes milliseconds; a worker silent for 30 s is stuck and is replaced
graceful_timeout = 20
keepalive = 5
max_requests = 5000  # recycle workers now and then (bounded memory of the per-filter caches)
max_requests_jitter = 500
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"  # access and error logs to stdout/stderr, for the host's log collector
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
proc_name = "msc-trials-atlas"
# gunicorn 24+ opens a control socket at ~/.gunicorn/gunicorn.ctl by default; two instances on one host (the app
# and a load test, say) would fight over it, and nothing here uses it.
control_socket_disable = True


def when_ready(server):
    """Master, app preloaded, before any worker forks: let Dash finish its lazy first-request set-up once, so two
    threads of a fresh worker never race on it (see msc_atlas.serving.finish_dash_setup), and compute the default
    views every worker then shares."""
    from msc_atlas import serving

    serving.finish_dash_setup(server.app.wsgi())
    serving.warm_default_views()


def post_fork(server, worker):
    """Each worker watches the dataset directory from its start: a refresh that repoints $MSC_ATLAS_DATA_DIR is
    loaded and swapped in without a restart (msc_atlas.serving.reload)."""
    from msc_atlas.serving import reload

    reload.start_polling()
