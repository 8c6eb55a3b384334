"""What `make run` serves: the Streamlit app plus the login, logout and download routes,
every response with the security headers of app.auth.headers.

`streamlit run serve.py` finds the st.App below and runs it under uvicorn; the pages
themselves are in streamlit_app.py.
"""

import streamlit as st
from starlette.middleware import Middleware

from app.auth.download_route import DOWNLOAD_ROUTES
from app.auth.headers import SecurityHeaders
from app.auth.routes import ROUTES

app = st.App(
    "streamlit_app.py",
    routes=[*ROUTES, *DOWNLOAD_ROUTES],
    middleware=[Middleware(SecurityHeaders)],
)
