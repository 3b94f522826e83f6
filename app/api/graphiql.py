"""GraphiQL on ``GET /graphql`` (development), from the vendored files in
``web/static/vendor`` (React, ReactDOM, GraphiQL: see their README): nothing loads from a
CDN, so it works offline. ``web/static/js/graphiql.js`` starts it with the page's CSRF
token, so a signed-in browser's queries run as that user."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse

from app.auth import CSRF_COOKIE, csrf_token_for

GRAPHIQL_HTML = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="csrf-token" content="{token}">
  <title>GraphQL API · livemart</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/vendor/graphiql-3.9.0.min.css">
  <style>html, body, #graphiql {{ height:100%; margin:0; }}</style>
</head>
<body>
  <div id="graphiql" data-testid="graphiql"><noscript>GraphiQL needs JavaScript. The API
  answers POST /graphql; its schema is graphql/schema.graphql.</noscript></div>
  <script src="/static/vendor/react-18.3.1.production.min.js"></script>
  <script src="/static/vendor/react-dom-18.3.1.production.min.js"></script>
  <script src="/static/vendor/graphiql-3.9.0.min.js"></script>
  <script src="/static/js/graphiql.js"></script>
</body>
</html>
"""


def graphiql_page(request: Request, secret_key: str, secure: bool) -> HTMLResponse:
    """The GraphiQL page, setting the CSRF cookie its token pairs with when missing."""
    token = csrf_token_for(request, secret_key)
    response = HTMLResponse(GRAPHIQL_HTML.format(token=escape(token)))
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE, token, httponly=False, samesite="strict", secure=secure, path="/"
        )
    return response
