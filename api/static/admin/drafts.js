// Unpublished drafts live in this browser's localStorage, so a closed tab or a dropped connection never
// loses an official's work. A draft remembers the revision it was started from, to detect newer content.
const PREFIX = "motcua.admin.draft.";

export function loadDraft(id) {
  try {
    const draft = JSON.parse(localStorage.getItem(PREFIX + id) || "null");
    return draft && typeof draft.yaml === "string" ? draft : null;
  } catch {
    return null;
  }
}

export function saveDraft(id, yaml, baseRevision, note = "") {
  const draft = { yaml, base_revision: baseRevision, saved_at: new Date().toISOString(), note };
  try { localStorage.setItem(PREFIX + id, JSON.stringify(draft)); } catch { /* storage full: keep going */ }
  return draft;
}

export function dropDraft(id) {
  localStorage.removeItem(PREFIX + id);
}
