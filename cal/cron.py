"""The schedule of `rq cron` (run: ``rq cron cal.cron`` beside ``rq worker``): one scan of
every reminder kind each quarter of an hour. Each scan stores what is due and hands it
to the workers; the outbox's unique key keeps every reminder single however often and
however many scans run."""

from rq import cron

from cal.worker import scheduled_run

cron.register(scheduled_run, queue_name="default", interval=15 * 60)
