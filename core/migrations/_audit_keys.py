"""Used by the apps' data migrations that re-key audit changes from labels to field names.

(The migration loader skips modules whose name starts with "_". Keep its behaviour as it is: the
migrations that call it have run on existing databases.)"""


def rekey(apps, app_label, model_name, extra=None, backwards=False):
    """Re-key the changes of `app_label.model_name`'s audit entries: {label: …} → {field name: …},
    the labels being the verbose names of the historical model (plus `extra` {label: name})."""
    Model = apps.get_model(app_label, model_name)
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    mapping = {str(f.verbose_name): f.name for f in Model._meta.concrete_fields}
    mapping.update(extra or {})
    if backwards:
        mapping = {name: label for label, name in mapping.items()}
    ct = ContentType.objects.filter(app_label=app_label, model=model_name.lower()).first()
    if ct is None:
        return
    changed = []
    for entry in AuditEntry.objects.filter(content_type=ct).only("pk", "changes").iterator(chunk_size=2000):
        if not isinstance(entry.changes, dict):
            continue
        new = {mapping.get(key, key): value for key, value in entry.changes.items()}
        if new != entry.changes:
            entry.changes = new
            changed.append(entry)
        if len(changed) >= 500:
            AuditEntry.objects.bulk_update(changed, ["changes"])
            changed = []
    AuditEntry.objects.bulk_update(changed, ["changes"])
