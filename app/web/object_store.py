"""Where uploaded files live: the local disk under UPLOAD_DIR (the embedded default), or an S3-compatible object
store when STORAGE_S3_BUCKET is set, so that several app servers share the same files.

Callers keep naming a file by its folder under UPLOAD_DIR and its random stored name (app/web/uploads.py); in the
object store that pair becomes the key `<prefix><folder relative to UPLOAD_DIR>/<stored name>`. Files are served
through the app (app/web/files.py), so the header policy (sandboxed, never sniffed, private files never cached)
is the same for both."""
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

from flask import current_app, has_app_context

_clients: dict[tuple, object] = {}
_lock = threading.Lock()


def _settings() -> dict | None:
    """The object store's settings, or None for the local disk (outside an app, always the disk)."""
    if not has_app_context() or not current_app.config.get("STORAGE_S3_BUCKET"):
        return None
    config = current_app.config
    return {"bucket": config["STORAGE_S3_BUCKET"], "endpoint": config.get("STORAGE_S3_ENDPOINT_URL") or None,
            "region": config.get("STORAGE_S3_REGION") or "us-east-1",
            "key_id": config.get("STORAGE_S3_ACCESS_KEY_ID") or None,
            "secret": config.get("STORAGE_S3_SECRET_ACCESS_KEY") or None,
            "prefix": config.get("STORAGE_S3_PREFIX") or "", "root": config.get("UPLOAD_DIR") or ""}


def _client(settings: dict):
    """One boto3 client per endpoint and credentials, shared by the threads of a worker (clients are
    thread-safe; creating one costs tens of milliseconds)."""
    identity = (settings["endpoint"], settings["region"], settings["key_id"], settings["secret"])
    with _lock:
        client = _clients.get(identity)
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.client("s3", endpoint_url=settings["endpoint"], region_name=settings["region"],
                                  aws_access_key_id=settings["key_id"], aws_secret_access_key=settings["secret"],
                                  config=Config(retries={"max_attempts": 3, "mode": "standard"},
                                                s3={"addressing_style": "path"}))
            _clients[identity] = client
    return client


def _key(settings: dict, directory: str, stored_name: str) -> str:
    folder = Path(directory)
    root = Path(settings["root"]) if settings["root"] else None
    try:
        relative = folder.relative_to(root).as_posix() if root else folder.name
    except ValueError:
        relative = folder.name
    relative = "" if relative == "." else f"{relative}/"
    return f"{settings['prefix']}{relative}{stored_name}"


def uses_object_store() -> bool:
    return _settings() is not None


def put(directory: str, stored_name: str, data: bytes, content_type: str) -> None:
    settings = _settings()
    if settings is None:
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / stored_name).write_bytes(data)
        return
    _client(settings).put_object(Bucket=settings["bucket"], Key=_key(settings, directory, stored_name), Body=data,
                                 ContentType=content_type)


def put_file(directory: str, stored_name: str, path: str, content_type: str) -> None:
    """Keep the file at `path` under the stored name: moved on the local disk; uploaded in parts to the object
    store (boto3's managed transfer, constant memory whatever the size) and then removed."""
    settings = _settings()
    if settings is None:
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.move(path, folder / stored_name)
        return
    _client(settings).upload_file(path, settings["bucket"], _key(settings, directory, stored_name),
                                  ExtraArgs={"ContentType": content_type})
    os.unlink(path)


def open_chunks(directory: str, stored_name: str, chunk_size: int = 256 * 1024) -> tuple[Iterator[bytes], int] | None:
    """A large stored file as (chunks, size), read as it is sent rather than held in memory; None when gone."""
    settings = _settings()
    if settings is None:
        path = Path(directory) / stored_name
        try:
            size = path.stat().st_size
            stream = path.open("rb")
        except (FileNotFoundError, IsADirectoryError):
            return None

        def local_chunks() -> Iterator[bytes]:
            with stream:
                while chunk := stream.read(chunk_size):
                    yield chunk
        return local_chunks(), size
    client = _client(settings)
    try:
        answer = client.get_object(Bucket=settings["bucket"], Key=_key(settings, directory, stored_name))
    except client.exceptions.NoSuchKey:
        return None
    body = answer["Body"]

    def remote_chunks() -> Iterator[bytes]:
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()
    return remote_chunks(), int(answer["ContentLength"])


def get(directory: str, stored_name: str) -> bytes | None:
    """The file's bytes, or None when there is no such file."""
    settings = _settings()
    if settings is None:
        try:
            return (Path(directory) / stored_name).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return None
    client = _client(settings)
    try:
        answer = client.get_object(Bucket=settings["bucket"], Key=_key(settings, directory, stored_name))
    except client.exceptions.NoSuchKey:
        return None
    return answer["Body"].read()


def delete(directory: str, stored_name: str) -> None:
    settings = _settings()
    if settings is None:
        (Path(directory) / stored_name).unlink(missing_ok=True)
        return
    _client(settings).delete_object(Bucket=settings["bucket"], Key=_key(settings, directory, stored_name))


def local_path(directory: str, stored_name: str) -> str | None:
    """The file's path on the local disk when files are kept there (for send_file), else None."""
    return None if uses_object_store() else os.path.join(directory, stored_name)
