"""The model file: one zip of JSON metadata and NumPy arrays (no pickle, so loading is safe).

Shared by the category classifier and the department suggester; each kind has its own format
version, so that changing one kind's layout does not invalidate the other kind's files.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["MODEL_FORMAT", "VERSIONS", "ModelFormatError", "read_bundle", "write_bundle"]

MODEL_FORMAT = "massline-classifier"
VERSIONS = {"category": 2, "department": 1}


class ModelFormatError(ValueError):
    """The file is not a model this version of massline can read."""


def write_bundle(path: str | Path, meta: dict[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("meta.json", json.dumps(meta, ensure_ascii=False))
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, np.asarray(array), allow_pickle=False)
            bundle.writestr(f"{name}.npy", buffer.getvalue())
    tmp.replace(path)


def read_bundle(path: str | Path, kind: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    try:
        with zipfile.ZipFile(path) as bundle:
            meta = json.loads(bundle.read("meta.json").decode("utf-8"))
            if meta.get("format") != MODEL_FORMAT or meta.get("kind") != kind:
                raise ModelFormatError(f"{path} 不是 massline 的{_KIND_NAMES[kind]}模型文件")
            expected = VERSIONS[kind]
            if meta.get("version") != expected:
                raise ModelFormatError(
                    f"模型文件 {path} 的版本是 {meta.get('version')}，本程序只能读取版本 "
                    f"{expected}；请用当前版本重新训练（massline analyse train）"
                )
            arrays = {
                name[: -len(".npy")]: np.load(io.BytesIO(bundle.read(name)), allow_pickle=False)
                for name in bundle.namelist()
                if name.endswith(".npy")
            }
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFormatError(f"{path} 不是有效的 massline 模型文件（{exc}）") from exc
    return meta, arrays


_KIND_NAMES = {"category": "分类", "department": "部门推荐"}
