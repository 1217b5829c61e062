"""Where the ledger's evidence files (reports, closure applications, acceptances, objections) are kept."""
from pathlib import Path


def evidence_dir(upload_root: str) -> str:
    """The directory of the stored TaskEvidence files under UPLOAD_DIR."""
    return str(Path(upload_root) / "rectification")
