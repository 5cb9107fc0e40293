"""The websocket benchmarks: fan-out to 1,000 and 3,000 sockets beside a bare broadcast, and
call to screen in a real browser, with their listener processes."""
