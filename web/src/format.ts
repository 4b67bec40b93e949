// How values read on the page: times in the reader's locale, durations, sizes, statuses.

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

export function formatDuration(startedAt: string, finishedAt: string | null | undefined, now = Date.now()): string {
  const end = finishedAt ? Date.parse(finishedAt) : now;
  let seconds = Math.max(0, Math.round((end - Date.parse(startedAt)) / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
  ] as const) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
  }
  if (parts.length < 2) parts.push(`${seconds}s`);
  return parts.slice(0, 2).join(" ");
}

export function formatSize(size: string | number | null | undefined): string {
  if (size == null) return "—";
  let value = Number(size);
  for (const unit of ["B", "KB", "MB", "GB", "TB"]) {
    if (value < 1024 || unit === "TB") return `${unit === "B" ? value : value.toFixed(1)} ${unit}`;
    value /= 1024;
  }
  return String(size);
}

export function formatValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
