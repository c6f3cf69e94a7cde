"""The channel adapters: ``console`` (the terminal), ``telegram`` (aiogram 3) and ``zalo`` (Zalo
Bot Platform), with what they share: the webhook ``batcher``, the ``backoff`` rule and the
per-chat ``limits``.

Nothing is imported here: the console and ``reportbot chat`` must not load aiogram (about 2 s,
``tests/test_startup.py``); only ``bot.channels.telegram`` does.
"""
