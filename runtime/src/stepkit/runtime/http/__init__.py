"""HTTP for API steps: a Starlette ASGI app served by uvicorn."""
