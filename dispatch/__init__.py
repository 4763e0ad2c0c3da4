"""Hands due crawls to long-lived crawl workers (DESIGN §1–2): local worker processes over pipes
(dispatch.pool) or a Redis queue shared by crawl hosts (dispatch.redis_dispatch). Imports no
`crawlers` module: workers are separate processes (`python -m crawlers.worker`)."""
