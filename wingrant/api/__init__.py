"""Machine-readable access to wingrant: the JSON API (``v1``) and the OParl 1.1 feed (``oparl``)."""
