"""The Zalo channel (Zalo Bot Platform): ``api`` is the HTTP client, ``channel`` sends outbox
payloads, ``ingest`` turns updates into normalised messages and commits them, ``polling`` and
``webhook`` receive them, ``runtime`` wires it all for a running bot."""
