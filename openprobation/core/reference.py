"""Load versioned reference data files shipped in each app's `data/` folder.

A file looks like::

    {"model": "supervision.Outcome", "version": "2026.1", "key": "code", "rows": [{...}, ...]}

Rows are upserted by their key ("code" for coded vocabularies). A file with
``"key": null`` is replaced wholesale (dated rule tables with no natural code).
Codes missing from a newer file are kept but made unselectable: history keeps its meaning.
"""

import hashlib
import json
from pathlib import Path

from django.apps import apps
from django.db import transaction

from .models import ReferenceDataVersion


def data_files():
    for config in apps.get_app_configs():
        if not config.name.startswith("openprobation."):
            continue
        folder = Path(config.path) / "data"
        if folder.is_dir():
            yield from sorted(folder.glob("*.json"))


def load_file(path: Path, *, using: str = "default", force: bool = False) -> bool:
    raw = path.read_bytes()
    checksum = hashlib.sha256(raw).hexdigest()
    spec = json.loads(raw)
    name = f"{path.parent.parent.name}/{path.name}"
    current = ReferenceDataVersion.objects.using(using).filter(name=name).first()
    if current and current.checksum == checksum and not force:
        return False
    model = apps.get_model(spec["model"])
    key = spec.get("key", "code")
    with transaction.atomic(using=using):
        manager = model.objects.using(using)
        if key is None:
            manager.all().delete()
            manager.bulk_create([model(**row) for row in spec["rows"]])
        else:
            seen = set()
            for position, row in enumerate(spec["rows"]):
                row = {"sort_order": position, **row} if hasattr(model, "sort_order") else row
                manager.update_or_create(**{key: row[key]}, defaults=row)
                seen.add(row[key])
            if hasattr(model, "selectable"):
                manager.exclude(**{f"{key}__in": seen}).update(selectable=False)
        ReferenceDataVersion.objects.using(using).update_or_create(
            name=name, defaults={"version": spec["version"], "checksum": checksum}
        )
    return True


def load_all(*, using: str = "default", force: bool = False) -> list[str]:
    return [path.name for path in data_files() if load_file(path, using=using, force=force)]
