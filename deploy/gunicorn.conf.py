"""gunicorn settings for the portal's app servers (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`).

Every app server is stateless: sessions live in the database (portal/auth/sessions.py), rate
limits in Redis (RATELIMIT_STORAGE_URL), so any number of them can stand behind one load
balancer. Everything is read from the environment so one image serves every deployment.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The image's file system is read-only: heartbeat files go to memory.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm")
# gunicorn 27's control socket lives in ~/.gunicorn, shared by every instance on a machine
# (and unwritable on a read-only file system): not wanted.
control_socket_disable = True
# Access log without query strings: the portal's URLs carry no personal data and the query
# string is never logged.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(D)sus'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
