"""The staff and lobby web app: counter page, display board, phone status page, REST API.

An ASGI app (FastAPI on uvicorn) over the queue database of `kiosk.queue`; it imports `kiosk`,
never `ui`. Start it with `kiosk serve`.
"""
