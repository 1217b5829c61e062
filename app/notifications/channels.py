"""How a message leaves: e-mail over SMTP, text messages through an SMS gateway, or the log (the embedded default,
and a city that has neither yet). Each sender takes a Message and returns the reference its provider gave it, or
raises SendError; the deliveries record both."""
import json
import logging
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Protocol

from flask import Flask

from app.notifications.models import Channel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str
    # For e-mail: the stop link as a List-Unsubscribe header (mail programs show a button for it).
    stop_url: str = ""


class SendError(RuntimeError):
    """The provider refused or could not be reached; `permanent` when trying again cannot help (a bad address)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class Sender(Protocol):
    name: str

    def send(self, message: Message) -> str: ...


class LogSender:
    """Writes the message to the application log instead of sending it (no personal data: the address is masked
    by the caller's hint, the text is the notice the resident would get)."""

    name = "log"

    def __init__(self, channel: Channel):
        self.channel = channel

    def send(self, message: Message) -> str:
        log.info("Notification by %s (log only, no %s configured): %s", self.channel,
                 "SMTP server" if self.channel == Channel.EMAIL else "SMS gateway", message.subject)
        return "log"


class SmtpMailer:
    """E-mail through the configured SMTP server (MAIL_SMTP_*), one connection per message: a job sends few
    enough that a kept connection would only go stale between runs."""

    name = "smtp"

    def __init__(self, config: dict):
        self.host = config["MAIL_SMTP_HOST"]
        self.port = int(config["MAIL_SMTP_PORT"])
        self.security = config["MAIL_SMTP_SECURITY"]
        self.user = config["MAIL_SMTP_USER"]
        self.password = config["MAIL_SMTP_PASSWORD"]
        self.sender = config["MAIL_FROM"]
        self.sender_name = config["MAIL_FROM_NAME"]
        self.timeout = float(config["MAIL_SMTP_TIMEOUT"])

    def compose(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = formataddr((self.sender_name, self.sender)) if self.sender_name else self.sender
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail["Message-ID"] = make_msgid(domain=self.sender.partition("@")[2] or None)
        mail["Auto-Submitted"] = "auto-generated"
        if message.stop_url:
            mail["List-Unsubscribe"] = f"<{message.stop_url}>"
        mail.set_content(message.body)
        return mail

    def send(self, message: Message) -> str:
        mail = self.compose(message)
        try:
            if self.security == "ssl":
                connection: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                            context=ssl.create_default_context())
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with connection:
                if self.security == "starttls":
                    connection.starttls(context=ssl.create_default_context())
                if self.user:
                    connection.login(self.user, self.password)
                refused = connection.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            raise SendError(f"recipient refused: {error.recipients}", permanent=True) from error
        except (smtplib.SMTPException, OSError) as error:
            raise SendError(f"{type(error).__name__}: {error}") from error
        if refused:
            raise SendError(f"recipient refused: {refused}", permanent=True)
        return str(mail["Message-ID"])


class HttpSmsGateway:
    """A text-message gateway with a JSON HTTP interface, as government SMS platforms (政务短信平台) and the
    commercial providers' relays offer: POST {"phone", "text", "sign"} with a bearer token to SMS_HTTP_URL; a 2xx
    answer with {"id": …} is a message taken. A 4xx answer is permanent (a bad number), anything else is retried."""

    name = "http"

    def __init__(self, config: dict):
        self.url = config["SMS_HTTP_URL"]
        self.token = config["SMS_HTTP_TOKEN"]
        self.sign = config["SMS_SIGN_NAME"]
        self.timeout = float(config["SMS_HTTP_TIMEOUT"])

    def send(self, message: Message) -> str:
        body = json.dumps({"phone": message.to, "text": message.body, "sign": self.sign},
                          ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 (configured URL)
                reply = json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise SendError(f"gateway answered {error.code}", permanent=400 <= error.code < 500
                            and error.code not in (408, 429)) from error
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise SendError(f"{type(error).__name__}: {error}") from error
        return str(reply.get("id") or "")


def sender_for(app: Flask, channel: Channel) -> Sender:
    """The configured sender of a channel: SMTP when MAIL_SMTP_HOST is set, the HTTP gateway when SMS_GATEWAY is
    "http", else the log."""
    config = app.config
    if channel == Channel.EMAIL:
        return SmtpMailer(config) if config["MAIL_SMTP_HOST"] else LogSender(channel)
    if config["SMS_GATEWAY"] == "http":
        return HttpSmsGateway(config)
    return LogSender(channel)
