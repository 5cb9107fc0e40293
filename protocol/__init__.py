"""The messages on the hall's two sockets, typed (msgspec tagged unions on ``type``).

``protocol.site`` is ``WS /ws/sites/{site}`` (displays, phones, staff pages, the counter
client); ``protocol.kiosk`` is the kiosk link (``WS /ws/kiosks/{kiosk}`` for the agent and
``.../page`` for the kiosk page); ``protocol.events`` is the one list of event types, which
``python -m protocol.js`` renders for the browser as ``static/js/events.js``.

The server, the kiosk agent and the counter client all import these. kiosk/ and counter/
run on other machines, so this package imports nothing of ours: only the standard library
and msgspec.
"""
