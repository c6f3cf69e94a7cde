"""The Telegram channel (aiogram 3): ``channel`` sends outbox payloads, ``ingest`` turns updates
into normalised messages and commits them, ``polling`` and ``webhook`` receive them,
``runtime`` wires it all for a running bot. Every module here imports aiogram; import them only
where Telegram is started."""
