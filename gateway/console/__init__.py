"""The officers' web console (FastAPI, server-rendered Jinja2, Simplified Chinese).

``app.create_app`` builds it; ``pages`` holds the HTML routes, ``api`` the JSON routes under
``/api``; ``auth`` owns session cookies, CSRF tokens and role checks; ``highlight`` turns extracted
text and finding offsets into escaped, highlighted HTML; ``queue`` filters and pages the cases.
"""
