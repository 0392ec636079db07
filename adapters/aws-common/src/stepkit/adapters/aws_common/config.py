"""Client settings every stepkit AWS adapter shares (endpoint, region, credentials, timeouts).

Subclass :class:`AwsSettings` for an adapter's config model: it adds the AWS
client fields to :class:`~stepkit.core.config.AdapterConfig` (``namespace``,
``operation_timeout``), so every AWS adapter is configured the same way, from
a mapping, a model or ``STEPKIT_<KIND>_<FIELD>`` environment variables.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from stepkit.core.config import AdapterConfig

DUMMY_ACCESS_KEY_ID = "testing"
"""Access key used against a local endpoint (moto, LocalStack) when none is configured."""
DUMMY_SECRET_ACCESS_KEY = "testing"
"""Secret key used against a local endpoint when none is configured."""


class AwsSettings(AdapterConfig):
    """AWS client settings (a base for adapter config models).

    * ``url``: endpoint URL (``http://127.0.0.1:5000`` for a moto server);
      ``None`` uses AWS' regional endpoints.
    * ``region``: AWS region (``us-east-1`` by default; moto accepts any).
    * ``aws_access_key_id`` / ``aws_secret_access_key`` / ``aws_session_token``:
      explicit credentials. Without them boto's default chain is used
      (environment, profile, instance role) — except with a ``url`` and no keys,
      where dummy keys are sent (local emulators accept anything).
    * ``connect_timeout``: bound of opening one HTTP connection.
    * ``max_attempts``: botocore's total attempts per call (``standard`` retry
      mode, 1 = no retry). Whatever this says, one stepkit operation never
      takes longer than ``operation_timeout``: the adapter's deadline cancels it.
    * ``operation_timeout`` (inherited): bound of one operation, retries included;
      it is also botocore's read timeout.
    """

    url: str | None = Field(default=None, description="Endpoint URL; None = AWS.")
    region: str = Field(default="us-east-1", min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")
    aws_access_key_id: str | None = Field(default=None, min_length=1, max_length=128)
    aws_secret_access_key: SecretStr | None = None
    aws_session_token: SecretStr | None = None
    connect_timeout: float = Field(default=2.0, gt=0, le=600)
    max_attempts: int = Field(default=3, ge=1, le=20)

    @field_validator("url")
    @classmethod
    def _url_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://; got {value!r}")
        return value

    def credentials(self) -> dict[str, str]:
        """Keyword arguments for ``aioboto3.Session`` (empty: boto's default chain)."""
        if self.aws_access_key_id is not None:
            creds = {"aws_access_key_id": self.aws_access_key_id}
            if self.aws_secret_access_key is not None:
                creds["aws_secret_access_key"] = self.aws_secret_access_key.get_secret_value()
            if self.aws_session_token is not None:
                creds["aws_session_token"] = self.aws_session_token.get_secret_value()
            return creds
        if self.url is not None:
            return {"aws_access_key_id": DUMMY_ACCESS_KEY_ID, "aws_secret_access_key": DUMMY_SECRET_ACCESS_KEY}
        return {}


__all__ = ["DUMMY_ACCESS_KEY_ID", "DUMMY_SECRET_ACCESS_KEY", "AwsSettings"]
