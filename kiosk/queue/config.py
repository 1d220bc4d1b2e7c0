"""Clinics, lines and ticket storage."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class ClinicConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name_vi: str
    name_en: str
    room: str = ""
    prefix: str = Field("A", description="ticket number prefix")
    separate_insured_line: bool = False

    def name(self, language: str) -> str:
        return self.name_vi if language == "vi" else self.name_en


def default_clinics() -> list[ClinicConfig]:
    return [
        ClinicConfig(id="noi", name_vi="Khám Nội", name_en="Internal medicine", room="P.101", prefix="N"),
        ClinicConfig(id="nhi", name_vi="Khám Nhi", name_en="Paediatrics", room="P.105", prefix="E"),
        ClinicConfig(id="tmh", name_vi="Tai Mũi Họng", name_en="Ear, nose and throat", room="P.110", prefix="T"),
        ClinicConfig(id="mat", name_vi="Khám Mắt", name_en="Ophthalmology", room="P.112", prefix="M"),
        ClinicConfig(id="rhm", name_vi="Răng Hàm Mặt", name_en="Dentistry", room="P.115", prefix="R"),
        ClinicConfig(id="san", name_vi="Sản phụ khoa", name_en="Obstetrics and gynaecology", room="P.120", prefix="S"),
    ]


class StorageConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dsn: SecretStr = Field(
        SecretStr(""),
        description="SQLAlchemy URL; empty = SQLite file in the data directory. "
        "PostgreSQL for several kiosks: postgresql+psycopg://user:pass@host/db",
    )
    hash_key: SecretStr = Field(
        SecretStr(""), description="key for the keyed hash of citizen IDs; empty = generated per data dir"
    )
