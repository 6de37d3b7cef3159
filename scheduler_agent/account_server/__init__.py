"""The self-hosted Agent Account: a Nylas v3 look-alike over SQLite, with real SMTP in and out.

It never imports the agent; the agent reaches it only through the v3 HTTP API (in-process through
httpx's WSGI transport, or over TCP).
"""
