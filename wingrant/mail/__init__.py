"""Mail as a real component: an outbox written with the event, delivered by ``wingrant worker``.

A feature that has something to tell writes an ``OutboxMail`` row in the same unit of work as the
event (``outbox.enqueue``): a rolled-back event leaves no mail, and an SMTP outage delays mail but
never loses it. The worker (``worker.py``) claims due rows, hands them to the configured transport
(``transport.py``: SMTP, or ``.eml`` files under ``instance/mail/`` as the embedded default),
retries with back-off and marks them sent. Each row carries its own Message-ID, so a retry is
recognisable. Who wants which notice: ``preferences.py``.
"""
