"""The kiosk agent: links a kiosk PC's card reader, scanner and printer to the server."""

__version__ = "1.0.0"
