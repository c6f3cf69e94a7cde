"""The container's health check: ``GET http://127.0.0.1:$WEB_PORT/health`` must answer 200.

The bot serves ``/health`` only when it has a web address (``PUBLIC_BASE_URL`` or
``WEB_BASE_URL``, see README "Reliability"); without one there is nothing to ask, and the check
fails saying so rather than reporting a health it cannot see. Exit status 0 when healthy, 1
otherwise, with one line on stdout (Docker keeps it: ``docker inspect --format
'{{json .State.Health}}' reportbot-bot-1``). Standard library only.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    """Ask the bot; 0 when it answers 200 within 5 seconds."""
    if not (os.environ.get("PUBLIC_BASE_URL") or os.environ.get("WEB_BASE_URL")):
        print("Không có máy chủ web: đặt WEB_BASE_URL hoặc PUBLIC_BASE_URL để bot trả lời /health.")
        return 1
    port = os.environ.get("WEB_PORT") or "8080"
    url = f"http://127.0.0.1:{port}/health"
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            print(answer.status, answer.read(300).decode(errors="replace"))
            return 0 if answer.status == 200 else 1
    except urllib.error.HTTPError as error:  # 503: a part is failing; the body says which
        print(error.code, error.read(300).decode(errors="replace"))
    except OSError as error:
        print(f"{url}: {error}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
