"""Notification fixtures: a local SMTP server (aiosmtpd) and a local SMS gateway (an HTTP server answering as the
README's gateway interface), each keeping what it received, and the app pointed at them (`settle`, waiting for the
job threads, is in tests/conftest.py)."""
import email
import email.policy
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller


class _Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [message for message in self.messages if message["To"] == address]


@pytest.fixture
def smtp_server(app):
    """A local SMTP server the app sends to (no TLS, no login); `.messages` holds what arrived, `.refuse` names
    recipients it refuses."""
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks it is up by connecting to the port it was given
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=controller.port, MAIL_SMTP_SECURITY="none",
                      MAIL_FROM="noreply@eco.example.gov.cn", MAIL_FROM_NAME="", JOBS_RETRY_BACKOFF="0")
    yield inbox
    controller.stop()


class _Gateway(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        gateway = self.server.gateway
        gateway["received"].append({"body": body, "authorization": self.headers.get("Authorization")})
        status = gateway["status"].pop(0) if gateway["status"] else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": f"sms-{len(gateway['received'])}"}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_gateway(app):
    """A local SMS gateway: `["received"]` lists the posted messages, `["status"]` the answers to give next."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    server.gateway = {"received": [], "status": []}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(SMS_GATEWAY="http", SMS_HTTP_URL=f"http://127.0.0.1:{server.server_port}/send",
                      SMS_HTTP_TOKEN="test-token", SMS_SIGN_NAME="生态环境局", JOBS_RETRY_BACKOFF="0")
    yield server.gateway
    server.shutdown()
    server.server_close()
